using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Events;
using Spotlight.Platform.Jobs;

namespace Spotlight.Live.Lives;

/// <summary><c>Live:*</c>: how lives are watched while they are on.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often every live on is checked against LiveKit (<c>ListParticipants</c>).</summary>
    public int WatchIntervalSeconds { get; set; } = 30;

    /// <summary>A live whose creator LiveKit has not shown in the room for this long ends (<c>abandoned</c>).</summary>
    public int AbsentTimeoutSeconds { get; set; } = 120;

    /// <summary>A live LiveKit could not be asked about for this long ends (<c>timeout</c>): never "live" forever.</summary>
    public int UnreachableTimeoutSeconds { get; set; } = 300;

    public static LiveOptions Validate(LiveOptions options)
    {
        if (options.WatchIntervalSeconds is < 1 or > 3600 || options.AbsentTimeoutSeconds is < 10 or > 86_400 || options.UnreachableTimeoutSeconds is < 10 or > 86_400)
        {
            throw new InvalidOperationException("Live:WatchIntervalSeconds must be 1-3600, Live:AbsentTimeoutSeconds and Live:UnreachableTimeoutSeconds 10-86400.");
        }

        return options;
    }
}

/// <summary>
/// Follows every live that is on with LiveKit's <c>ListParticipants</c>: who watches through LiveKit is set from who is in
/// the room, and hub connections that are no longer open anywhere stop counting (<see cref="LiveViewerCounts.ReconcileAsync"/>);
/// a live whose creator has not been in the room for <see cref="LiveOptions.AbsentTimeoutSeconds"/> ends
/// (<c>abandoned</c>), and one LiveKit could not confirm for <see cref="LiveOptions.UnreachableTimeoutSeconds"/> ends
/// (<c>timeout</c>). Once LiveKit fails in a sweep, the rest of the sweep does not call it again.
/// </summary>
internal sealed class LiveWatch(SpotlightDb db, LiveKitRoomService rooms, LiveEnding ending, LiveViewerCounts viewers, LiveOptions options, ILogger<LiveWatch> logger)
{
    private const int BatchSize = 200;

    /// <summary>Checks the lives on at <paramref name="now"/>; returns how many it ended.</summary>
    public async Task<int> SweepAsync(DateTime now, CancellationToken cancellationToken)
    {
        var lives = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Status == LiveStatus.Live)
            .OrderBy(l => l.LastConfirmedAt).Take(BatchSize).ToListAsync(cancellationToken);
        var reachable = true;
        var ended = 0;
        foreach (var live in lives)
        {
            IReadOnlyList<LiveKitParticipant>? participants = null;
            if (reachable)
            {
                try
                {
                    participants = await rooms.ListParticipantsAsync(live.RoomName, cancellationToken);
                }
                catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
                {
                    logger.LogWarning("LiveKit could not be asked about live {LiveId}: {Reason}", live.Id, failure.Message);
                    reachable = false;
                }
            }

            // Hub connections no longer open stop counting even when LiveKit cannot be asked.
            await viewers.ReconcileAsync(live.Id, participants?.Select(p => p.Identity).ToList(), cancellationToken);
            if (participants is null)
            {
                if (now - live.LastConfirmedAt > TimeSpan.FromSeconds(options.UnreachableTimeoutSeconds)
                    && await ending.EndAsync(live, LiveEndReason.Timeout, null, cancellationToken))
                {
                    ended++;
                }

                continue;
            }

            var creator = live.CreatorId.ToString();
            if (participants.Any(p => p.Identity == creator))
            {
                await db.Set<LiveSession>().Where(l => l.Id == live.Id && l.Status == LiveStatus.Live)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.LastConfirmedAt, now), cancellationToken);
            }
            else if (now - live.LastConfirmedAt > TimeSpan.FromSeconds(options.AbsentTimeoutSeconds)
                && await ending.EndAsync(live, LiveEndReason.Abandoned, null, cancellationToken))
            {
                ended++;
            }
        }

        return ended;
    }
}

internal sealed class LiveWatchJob(LiveWatch watch, TimeProvider time) : IJobHandler
{
    public const string JobType = "live-watch";

    public string Type => JobType;

    public Task RunAsync(JobRun run, CancellationToken cancellationToken) => watch.SweepAsync(time.GetUtcNow().UtcDateTime, cancellationToken);
}
