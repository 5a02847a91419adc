using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Realtime.Presence;

/// <summary>The hub's <c>presence</c> event: a user came online or went offline (with the time they were last seen).</summary>
public sealed record PresenceEvent(Guid UserId, bool Online, DateTime? LastSeenAt)
{
    public const string Name = "presence";
}

/// <summary>Who is online, for other modules (Messaging's "notify the offline members"). Composable, so it costs one query.</summary>
public interface IPresence
{
    /// <summary>Users with at least one connection on a node whose heartbeat is fresh.</summary>
    IQueryable<Guid> OnlineUsers();

    /// <summary>A node whose last heartbeat is older than this is dead: its connections do not count.</summary>
    DateTime HeartbeatCutoff();

    /// <summary>Ids of the hub connections open on a node whose heartbeat is fresh.</summary>
    IQueryable<string> OpenConnections();
}

/// <summary>
/// Keeps presence: a user is online while at least one connection is open on a live node. Each connect and disconnect
/// runs in a transaction that first locks the user's <see cref="UserPresence"/> row, so concurrent changes on several
/// nodes are applied one after the other and the <c>presence</c> signal goes out exactly when the state flips.
/// </summary>
public sealed class PresenceTracker(SpotlightDb db, RealtimeFeed feed, IUserDirectory users, RealtimeNode node, RealtimeOptions options, TimeProvider time) : IPresence
{
    public DateTime HeartbeatCutoff() => time.GetUtcNow().UtcDateTime.AddSeconds(-options.NodeExpirySeconds);

    public IQueryable<Guid> OnlineUsers() => OnLiveNodes().Select(c => c.UserId);

    public IQueryable<string> OpenConnections() => OnLiveNodes().Select(c => c.ConnectionId);

    private IQueryable<RealtimeConnection> OnLiveNodes()
    {
        var cutoff = HeartbeatCutoff();
        var liveNodes = db.Set<RealtimeNodeRecord>().Where(n => n.HeartbeatAt >= cutoff).Select(n => n.Id);
        return db.Set<RealtimeConnection>().Where(c => liveNodes.Contains(c.NodeId));
    }

    /// <summary>Records a connection on this node; false (and nothing recorded) when the user already holds the most allowed.</summary>
    public async Task<bool> ConnectedAsync(string connectionId, Guid userId, bool enforceLimit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(userId, now, cancellationToken);
        if (enforceLimit && await OnlineUsers().CountAsync(u => u == userId, cancellationToken) >= options.MaxConnectionsPerUser)
        {
            return false;
        }

        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO realtime_connections ("ConnectionId", "UserId", "NodeId", "ConnectedAt") VALUES ({connectionId}, {userId}, {node.Id}, {now})
            ON CONFLICT ("ConnectionId") DO NOTHING
            """, cancellationToken);
        var flipped = await db.Set<UserPresence>().Where(p => p.UserId == userId && !p.Online)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Online, true).SetProperty(p => p.ChangedAt, now), cancellationToken);
        if (flipped == 1)
        {
            await feed.StageAsync(db, new RealtimeSignal { Kind = SignalKinds.Presence, UserId = userId, Flag = true }, cancellationToken: cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Forgets a closed connection; true when the user has no live connection left on any node.</summary>
    public async Task<bool> DisconnectedAsync(string connectionId, Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(userId, now, cancellationToken);
        await db.Set<RealtimeConnection>().Where(c => c.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
        var offline = await SettleAsync(userId, now, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return offline;
    }

    /// <summary>
    /// Forgets the connections of a node that stopped proving it is alive (it crashed, or lost the network): its users go
    /// offline, last seen at its last heartbeat, unless they are connected elsewhere.
    /// </summary>
    public async Task<int> SweepNodeAsync(string nodeId, DateTime lastHeartbeat, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var users = await db.Set<RealtimeConnection>().Where(c => c.NodeId == nodeId).Select(c => c.UserId).Distinct().ToListAsync(cancellationToken);
        foreach (var userId in users)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockAsync(userId, now, cancellationToken);
            await db.Set<RealtimeConnection>().Where(c => c.NodeId == nodeId && c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            await SettleAsync(userId, now, lastHeartbeat, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await db.Set<RealtimeNodeRecord>().Where(n => n.Id == nodeId && n.HeartbeatAt <= lastHeartbeat).ExecuteDeleteAsync(cancellationToken);
        return users.Count;
    }

    /// <summary>Takes the user's presence row lock (creating the row on first use); SQLite's single writer makes it a no-op there.</summary>
    private Task LockAsync(Guid userId, DateTime now, CancellationToken cancellationToken) => db.Database.ExecuteSqlAsync($"""
        INSERT INTO user_presence ("UserId", "Online", "ChangedAt") VALUES ({userId}, {false}, {now})
        ON CONFLICT ("UserId") DO UPDATE SET "ChangedAt" = user_presence."ChangedAt"
        """, cancellationToken);

    /// <summary>With the lock held: when no live connection is left, the user goes offline and is announced so (true).</summary>
    private async Task<bool> SettleAsync(Guid userId, DateTime now, DateTime lastSeen, CancellationToken cancellationToken)
    {
        if (await OnlineUsers().AnyAsync(u => u == userId, cancellationToken))
        {
            return false;
        }

        var flipped = await db.Set<UserPresence>().Where(p => p.UserId == userId && p.Online)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Online, false).SetProperty(p => p.ChangedAt, now), cancellationToken);
        if (flipped == 1)
        {
            await users.RecordLastSeenAsync(userId, lastSeen, cancellationToken);
            await feed.StageAsync(db, new RealtimeSignal { Kind = SignalKinds.Presence, UserId = userId, Flag = false, At = lastSeen }, cancellationToken: cancellationToken);
        }

        return true;
    }
}
