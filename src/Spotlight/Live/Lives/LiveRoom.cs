using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Live;

namespace Spotlight.Live.Lives;

/// <summary>
/// The hub's <c>JoinLive</c> asks this (Realtime's <see cref="ILiveAccess"/>): the same rules as <c>POST /live/{id}/join</c>
/// (<see cref="LiveAccess"/>): a live that is on, a caller not banned, no block either way, the live's visibility.
/// A singleton for the hub's <see cref="LiveRooms"/>, so each question runs in a scope of its own.
/// </summary>
internal sealed class LiveWatchers(IServiceScopeFactory scopes) : ILiveAccess
{
    public async Task<bool> CanWatchAsync(Guid userId, Guid liveSessionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var live = await db.Set<LiveSession>().AsNoTracking()
            .SingleOrDefaultAsync(l => l.Id == liveSessionId && l.Status == LiveStatus.Live, cancellationToken);
        return live is not null && (await scope.ServiceProvider.GetRequiredService<LiveAccess>().CheckAsync(userId, live, cancellationToken)).Refusal is null;
    }
}

/// <summary>
/// Sends <c>liveViewers</c> <c>{ liveSessionId, viewerCount }</c> to a live's room at most once a second per live, across
/// every node: the first change goes out at once, later ones within the second are folded into one sent when the second is
/// up. Before sending, a node claims the second on the live's row (<see cref="LiveSession.ViewersSentAt"/>, a conditional
/// update that succeeds only when the last send is a second old); a node that loses the claim tries again when the
/// winner's second is up, so the latest count still goes out. What is sent is read from <c>live_sessions</c> after the
/// claim, so the last count wins whatever order changes arrived in. The second is measured on the nodes' clocks: skew
/// between nodes shortens or lengthens it by that much.
/// </summary>
internal sealed class LiveViewersCoalescer(
    IServiceScopeFactory scopes, LiveBroadcast broadcast, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<LiveViewersCoalescer> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryFloor = TimeSpan.FromMilliseconds(50);
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _pending = [];
    private readonly Dictionary<Guid, DateTimeOffset> _lastSent = [];

    /// <summary>The viewer count of <paramref name="liveId"/> changed (and is committed).</summary>
    public void Changed(Guid liveId)
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (!_pending.Add(liveId))
            {
                return; // a send is due and reads the count when it goes: this change is in it
            }

            wait = Due(liveId) - time.GetUtcNow();
        }

        _ = SendAsync(liveId, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private DateTimeOffset Due(Guid liveId) => _lastSent.TryGetValue(liveId, out var last) ? last + Interval : time.GetUtcNow();

    private async Task SendAsync(Guid liveId, TimeSpan wait)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            DateTimeOffset sentAt;
            while (true)
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                lock (_gate)
                {
                    _pending.Remove(liveId); // a change from now on schedules the next send, a second after this one
                    _lastSent[liveId] = sentAt = time.GetUtcNow();
                }

                var claim = await ClaimAndSendAsync(liveId, sentAt.UtcDateTime, stopping);
                if (claim is null)
                {
                    break; // sent, or the live is over
                }

                // Another node sent within the second: try again when its second is up, unless a send is already due here.
                lock (_gate)
                {
                    _lastSent[liveId] = sentAt = new DateTimeOffset(claim.Value, TimeSpan.Zero);
                    if (!_pending.Add(liveId))
                    {
                        return;
                    }

                    wait = Due(liveId) - time.GetUtcNow();
                    wait = wait > RetryFloor ? wait : RetryFloor;
                }
            }

            await Task.Delay(Interval, time, stopping);
            lock (_gate)
            {
                if (!_pending.Contains(liveId) && _lastSent.TryGetValue(liveId, out var last) && last == sentAt)
                {
                    _lastSent.Remove(liveId); // quiet for a second: forget the live
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception failure)
        {
            lock (_gate)
            {
                _pending.Remove(liveId);
            }

            logger.LogWarning(failure, "liveViewers for live {LiveId} could not be sent", liveId);
        }
    }

    /// <summary>Claims the second and sends the stored count; null when sent (or the live is over), else when the last send was.</summary>
    private async Task<DateTime?> ClaimAndSendAsync(Guid liveId, DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var secondAgo = now - Interval;
        var claimed = await db.Set<LiveSession>()
            .Where(l => l.Id == liveId && l.Status == LiveStatus.Live && (l.ViewersSentAt == null || l.ViewersSentAt <= secondAgo))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ViewersSentAt, now), cancellationToken);
        var live = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Id == liveId && l.Status == LiveStatus.Live)
            .Select(l => new { l.ViewerCount, l.ViewersSentAt }).SingleOrDefaultAsync(cancellationToken);
        if (live is null)
        {
            return null;
        }

        if (claimed == 0)
        {
            return live.ViewersSentAt ?? now;
        }

        await broadcast.PublishAsync(liveId, LiveBroadcast.LiveViewers, new LiveViewersEvent(liveId, live.ViewerCount), cancellationToken);
        return null;
    }
}

/// <summary>The <c>liveViewers</c> event.</summary>
internal sealed record LiveViewersEvent(Guid LiveSessionId, int ViewerCount);

/// <summary>The <c>liveEnded</c> event.</summary>
internal sealed record LiveEndedEvent(Guid LiveSessionId, string Reason);

/// <summary>Whoever ended a live, its watchers hear <c>liveEnded</c> <c>{ liveSessionId, reason }</c>.</summary>
internal sealed class LiveEndedBroadcaster(LiveBroadcast broadcast) : IDomainEventHandler<LiveEnded>
{
    public Task HandleAsync(LiveEnded domainEvent, EventContext context, CancellationToken cancellationToken) =>
        broadcast.PublishAsync(domainEvent.LiveId, LiveBroadcast.LiveEnded, new LiveEndedEvent(domainEvent.LiveId, domainEvent.Reason), cancellationToken);
}
