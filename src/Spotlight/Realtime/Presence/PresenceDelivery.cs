using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Realtime.Presence;

/// <summary>
/// Delivers <c>presence</c> to the user's watchers (<see cref="IPresenceAudience"/>: followers, conversation partners)
/// who are connected to this node (never to someone hidden from it, a block between them), found with one query that the database answers from this node's connection rows;
/// and closes a banned user's connections on this node.
/// </summary>
internal sealed class PresenceDelivery(
    IServiceScopeFactory scopes,
    IRealtimeLocalSender sender,
    LocalConnections connections,
    RealtimeNode node,
    RealtimeMetrics metrics,
    ILogger<PresenceDelivery> logger) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.Presence, SignalKinds.Banned];

    public void Reset()
    {
    }

    public async Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        foreach (var signal in signals)
        {
            if (signal.UserId is not { } userId)
            {
                continue;
            }

            if (signal.Kind == SignalKinds.Banned)
            {
                var closed = connections.Abort(userId);
                if (closed > 0)
                {
                    metrics.Refusals.Add(closed, new KeyValuePair<string, object?>("reason", "banned"));
                    logger.LogInformation("Closed {Count} connection(s) of banned user {UserId}", closed, userId);
                }

                continue;
            }

            if (connections.UserCount == 0)
            {
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            var audience = await AudienceHereAsync(scope.ServiceProvider, userId, cancellationToken);
            if (audience.Count > 0)
            {
                var change = new PresenceEvent(userId, signal.Flag == true, signal.At);
                sender.Send(audience, PresenceEvent.Name, change);
            }
        }
    }

    private async Task<List<Guid>> AudienceHereAsync(IServiceProvider services, Guid userId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<SpotlightDb>();
        var audiences = services.GetRequiredService<PresenceAudiences>();
        if (audiences.Watchers(userId) is not { } watchers)
        {
            return [];
        }

        var here = node.Id;
        var connected = db.Set<RealtimeConnection>().AsNoTracking().Where(c => c.NodeId == here && c.UserId != userId && watchers.Contains(c.UserId));
        if (audiences.Hidden(userId) is { } hidden)
        {
            connected = connected.Where(c => !hidden.Contains(c.UserId));
        }

        var audience = await connected.Select(c => c.UserId).Distinct().ToListAsync(cancellationToken);
        return audience.Where(connections.Has).ToList();
    }
}
