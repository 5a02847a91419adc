using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Realtime.Connections;

namespace Spotlight.Realtime.Presence;

/// <summary>
/// Proves this node alive every <see cref="RealtimeOptions.HeartbeatSeconds"/> and sweeps nodes that stopped doing so,
/// so that a crashed node does not leave its users online for ever. Every node sweeps; the per-user lock in
/// <see cref="PresenceTracker"/> makes a sweep by two nodes at once harmless. Now and then it also drops rows of this node
/// whose connection is gone (a disconnect that could not be recorded while the database was away).
/// </summary>
internal sealed class NodeHeartbeat(
    IServiceScopeFactory scopes,
    RealtimeNode node,
    LocalConnections connections,
    RealtimeOptions options,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RegisterAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var tracker = scope.ServiceProvider.GetRequiredService<PresenceTracker>();
            await tracker.SweepNodeAsync(node.Id, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
#pragma warning disable CA1031 // shutting down: other nodes sweep this one once its heartbeat is old
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logger.LogWarning(exception, "Could not take this node's connections off presence at shutdown");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var beats = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.HeartbeatSeconds), time, stoppingToken);
                await BeatAsync(reconcile: ++beats % 6 == 0, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the heartbeat must outlive a database that is away for a while
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogWarning(exception, "Realtime heartbeat failed; retrying");
            }
        }
    }

    internal async Task BeatAsync(bool reconcile, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var tracker = scope.ServiceProvider.GetRequiredService<PresenceTracker>();
        var now = time.GetUtcNow().UtcDateTime;
        var alive = await db.Set<RealtimeNodeRecord>().Where(n => n.Id == node.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.HeartbeatAt, now), cancellationToken);
        if (alive == 0)
        {
            // Another node declared this one dead (it could not beat for a while) and took its users offline: bring them back.
            logger.LogWarning("This node was swept as dead; registering it and its {Count} connection(s) again", connections.Count);
            await RegisterAsync(cancellationToken);
            foreach (var connection in connections.All())
            {
                await tracker.ConnectedAsync(connection.Context.ConnectionId, connection.UserId, enforceLimit: false, cancellationToken);
            }
        }

        var cutoff = now.AddSeconds(-options.NodeExpirySeconds);
        var dead = await db.Set<RealtimeNodeRecord>().AsNoTracking().Where(n => n.HeartbeatAt < cutoff && n.Id != node.Id).ToListAsync(cancellationToken);
        foreach (var other in dead)
        {
            var users = await tracker.SweepNodeAsync(other.Id, other.HeartbeatAt, cancellationToken);
            logger.LogWarning("Swept node {Node}, silent since {HeartbeatAt:O}: {Users} user(s) had connections there", other.Id, other.HeartbeatAt, users);
        }

        if (reconcile)
        {
            var recorded = await db.Set<RealtimeConnection>().AsNoTracking().Where(c => c.NodeId == node.Id)
                .Select(c => new { c.ConnectionId, c.UserId }).ToListAsync(cancellationToken);
            var open = connections.All().Select(c => c.Context.ConnectionId).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in recorded.Where(c => !open.Contains(c.ConnectionId)))
            {
                await tracker.DisconnectedAsync(stale.ConnectionId, stale.UserId, cancellationToken);
            }
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var now = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO realtime_nodes ("Id", "StartedAt", "HeartbeatAt") VALUES ({node.Id}, {now}, {now})
            ON CONFLICT ("Id") DO UPDATE SET "HeartbeatAt" = {now}
            """, cancellationToken);
    }
}
