using Spotlight.Identity.Tokens;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Realtime.Connections;

/// <summary>
/// Carries Identity's session-state evictions (a logout, a revoked session, a ban, a new security stamp) to every node as
/// durable signals, and applies them on each node, so a token or console cookie ended on one node is refused on all
/// within the NOTIFY round trip rather than the cache's 30 s. A node that lost its listener forgets everything it cached.
/// </summary>
internal sealed class SessionStateSignals(RealtimeFeed feed) : ISessionStateListener
{
    public async Task SessionStateChangedAsync(IReadOnlyCollection<Guid> sessionIds, Guid? userId)
    {
        if (userId is not null)
        {
            await feed.PublishAsync(new RealtimeSignal { Kind = SignalKinds.SessionState, UserId = userId }, durable: true);
        }

        foreach (var sessionId in sessionIds)
        {
            await feed.PublishAsync(new RealtimeSignal { Kind = SignalKinds.SessionState, SubjectId = sessionId }, durable: true);
        }
    }

}

/// <summary>Applies the evictions on this node (two classes: the dispatcher must not depend on the feed it feeds).</summary>
internal sealed class SessionStateDelivery(SessionStateCache cache) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.SessionState];

    public Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        foreach (var signal in signals)
        {
            cache.EvictHere(signal.SubjectId is { } sessionId ? [sessionId] : [], signal.UserId);
        }

        return Task.CompletedTask;
    }

    public void Reset() => cache.EvictEverythingHere();
}
