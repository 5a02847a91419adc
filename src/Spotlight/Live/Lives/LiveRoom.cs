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
/// Sends <c>liveViewers</c> <c>{ liveSessionId, viewerCount }</c> to a live's room at most once a second per live: the
/// first change goes out at once, later ones within the second are folded into one sent when the second is up. What is
/// sent is read from <c>live_sessions</c> when it is sent, so the last count wins whatever order changes arrived in.
/// Per node: with several nodes each node holds its own second, so a live whose changes are handled on N nodes gets at
/// most N events a second (each with the count as stored).
/// </summary>
internal sealed class LiveViewersCoalescer(
    IServiceScopeFactory scopes, LiveBroadcast broadcast, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<LiveViewersCoalescer> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
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

            var due = _lastSent.TryGetValue(liveId, out var last) ? last + Interval : time.GetUtcNow();
            wait = due - time.GetUtcNow();
        }

        _ = SendAsync(liveId, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private async Task SendAsync(Guid liveId, TimeSpan wait)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stopping);
            }

            DateTimeOffset sentAt;
            lock (_gate)
            {
                _pending.Remove(liveId); // a change from now on schedules the next send
                _lastSent[liveId] = sentAt = time.GetUtcNow();
            }

            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
                var count = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Id == liveId && l.Status == LiveStatus.Live)
                    .Select(l => (int?)l.ViewerCount).SingleOrDefaultAsync(stopping);
                if (count is { } viewerCount)
                {
                    await broadcast.PublishAsync(liveId, LiveBroadcast.LiveViewers, new LiveViewersEvent(liveId, viewerCount), stopping);
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
