using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Live.LiveKit;
using Spotlight.Moderation;
using Spotlight.Moderation.Reports;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Matching;

/// <summary>
/// Ends a match once, whoever ends it: a conditional update from "on", <c>matchEnded</c> staged to both members in the
/// same transaction. Deleting LiveKit's room (so the partner's call drops too) is a separate step after the commit — best
/// effort, within <c>LiveKit:RoomServiceTimeout</c>, a failure logged (LiveKit closes an empty room by itself) — so a
/// caller can put work that must not wait for LiveKit (<c>next</c>'s re-queue) between the two.
/// </summary>
internal sealed class MatchEnding(SpotlightDb db, MatchAnnouncer announcer, LiveKitRoomService rooms, TimeProvider time, ILogger<MatchEnding> logger)
{
    /// <summary>The match of <paramref name="memberId"/> with this id, or null (also when they are not in it: 404 for anyone else).</summary>
    public Task<Match?> FindAsync(Guid matchId, Guid memberId, CancellationToken cancellationToken) =>
        db.Set<Match>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == matchId && (m.UserA == memberId || m.UserB == memberId), cancellationToken);

    /// <summary>True when this call ended it, false when it had already ended.</summary>
    public async Task<bool> EndAsync(Match match, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await db.Set<Match>().Where(m => m.Id == match.Id && m.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.EndedAt, now).SetProperty(m => m.EndReason, reason), cancellationToken);
        if (ended == 0)
        {
            return false;
        }

        await announcer.StageEndedAsync(db, match, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Deletes the ended match's LiveKit room; a failure is logged, not thrown.</summary>
    public async Task DeleteRoomAsync(Match match)
    {
        try
        {
            await rooms.DeleteRoomAsync(match.RoomName, CancellationToken.None); // bounded by the room service itself
        }
        catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
        {
            logger.LogWarning(failure, "The LiveKit room {Room} of match {MatchId} was not deleted", match.RoomName, match.Id);
        }
    }
}

/// <summary>
/// <c>POST /match/{matchId}/next</c>: ends the match (if still on) and puts the caller back in the queue with the filters
/// they were matched with (202, as a join), then deletes the old room. Only its two members; anyone else 404. The
/// re-queue comes before the room's deletion so that LiveKit's round trip (up to <c>LiveKit:RoomServiceTimeout</c> with
/// its retries when LiveKit is slow or down) never delays the next pairing (bench/matching).
/// </summary>
internal sealed class NextMatch(MatchEnding ending, MatchQueue queue)
{
    public async Task<Outcome<QueueResponse>> HandleAsync(Guid callerId, Guid matchId, CancellationToken cancellationToken)
    {
        if (await ending.FindAsync(matchId, callerId, cancellationToken) is not { } match)
        {
            return Refusal.NotFound("No match of yours has this id.");
        }

        if (await queue.CheckAsync(callerId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var ended = await ending.EndAsync(match, MatchEndReasons.Next, cancellationToken);
        var queued = await queue.EnterAsync(callerId, match.FiltersOf(callerId), cancellationToken);
        if (ended)
        {
            await ending.DeleteRoomAsync(match);
        }

        return queued;
    }
}

/// <summary><c>POST /match/{matchId}/report</c>: <c>reason</c>? (a report reason, default <c>other</c>), <c>note</c>?.</summary>
internal sealed record ReportMatchRequest(string? Reason, string? Note);

/// <summary>
/// Reports the partner (a <c>user</c> report through Moderation's <see cref="FileReport"/>, with its rules and answers)
/// and ends the match. The caller is not re-queued. Only the two members; anyone else 404.
/// </summary>
internal sealed class ReportMatch(MatchEnding ending, FileReport reports)
{
    public async Task<Outcome<FileReport.Filed>> HandleAsync(Guid callerId, Guid matchId, ReportMatchRequest request, CancellationToken cancellationToken)
    {
        if (await ending.FindAsync(matchId, callerId, cancellationToken) is not { } match)
        {
            return Refusal.NotFound("No match of yours has this id.");
        }

        var filed = await reports.HandleAsync(callerId,
            new FileReportRequest(ReportTargetTypes.User, match.PartnerOf(callerId), request.Reason ?? ReportReasons.Other, request.Note), cancellationToken);
        if (filed.Refusal is not null)
        {
            return filed;
        }

        if (await ending.EndAsync(match, MatchEndReasons.Report, cancellationToken))
        {
            await ending.DeleteRoomAsync(match);
        }

        return filed;
    }
}

/// <summary>LiveKit closed a match's room (everyone left, or it was deleted): the match ends, if it had not already.</summary>
internal sealed class RoomFinishedEndsMatch(SpotlightDb db, MatchEnding ending) : IDomainEventHandler<LiveKitRoomFinished>
{
    public async Task HandleAsync(LiveKitRoomFinished domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        if (!domainEvent.Room.StartsWith("match_", StringComparison.Ordinal))
        {
            return;
        }

        var match = await db.Set<Match>().AsNoTracking().SingleOrDefaultAsync(m => m.RoomName == domainEvent.Room && m.EndedAt == null, cancellationToken);
        if (match is not null)
        {
            await ending.EndAsync(match, MatchEndReasons.RoomFinished, cancellationToken);
        }
    }
}
