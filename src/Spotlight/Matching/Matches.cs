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
/// same transaction, then (after the commit) LiveKit's room deleted so the partner's call drops too — best effort, within
/// <c>LiveKit:RoomServiceTimeout</c>, a failure logged (LiveKit closes an empty room by itself).
/// </summary>
internal sealed class MatchEnding(SpotlightDb db, MatchAnnouncer announcer, LiveKitRoomService rooms, TimeProvider time, ILogger<MatchEnding> logger)
{
    /// <summary>The match of <paramref name="memberId"/> with this id, or null (also when they are not in it: 404 for anyone else).</summary>
    public Task<Match?> FindAsync(Guid matchId, Guid memberId, CancellationToken cancellationToken) =>
        db.Set<Match>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == matchId && (m.UserA == memberId || m.UserB == memberId), cancellationToken);

    /// <summary>True when this call ended it, false when it had already ended.</summary>
    public async Task<bool> EndAsync(Match match, string reason, bool deleteRoom, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var ended = await db.Set<Match>().Where(m => m.Id == match.Id && m.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.EndedAt, now).SetProperty(m => m.EndReason, reason), cancellationToken);
            if (ended == 0)
            {
                return false;
            }

            await announcer.StageEndedAsync(db, match, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (deleteRoom)
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

        return true;
    }
}

/// <summary>
/// <c>POST /match/{matchId}/next</c>: ends the match (if still on) and puts the caller back in the queue with the filters
/// they were matched with (202, as a join). Only its two members; anyone else 404.
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

        await ending.EndAsync(match, MatchEndReasons.Next, deleteRoom: true, cancellationToken);
        return await queue.EnterAsync(callerId, match.FiltersOf(callerId), cancellationToken);
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

        await ending.EndAsync(match, MatchEndReasons.Report, deleteRoom: true, cancellationToken);
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
            await ending.EndAsync(match, MatchEndReasons.RoomFinished, deleteRoom: false, cancellationToken);
        }
    }
}
