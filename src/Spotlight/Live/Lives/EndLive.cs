using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Live.Lives;

/// <summary>
/// <c>POST /live/{id}/end</c>: its creator or a moderator ends a live (anyone else: 403 <c>not_your_live</c>). The live is
/// ended in the database first, then LiveKit's room is deleted (bounded, retried); when LiveKit cannot be reached the live
/// is ended all the same and the room closes when its participants leave. Ending an ended live changes nothing.
/// </summary>
public sealed class EndLive(SpotlightDb db, IUserDirectory users, LiveEnding ending, LiveKitRoomService rooms, ILogger<EndLive> logger)
{
    public async Task<Outcome<LiveResponse>> HandleAsync(Guid callerId, Guid liveId, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        if (live is null)
        {
            return Refusal.NotFound("No live has this id.");
        }

        var isCreator = callerId == live.CreatorId;
        if (!isCreator && !((await users.FactsAsync([callerId], cancellationToken)).GetValueOrDefault(callerId) is { IsStaff: true, IsBanned: false }))
        {
            return Refusal.Forbidden("not_your_live", "Only the creator or a moderator can end this live.");
        }

        if (await ending.EndAsync(live, isCreator ? LiveEndReason.Creator : LiveEndReason.Moderator, callerId, cancellationToken))
        {
            try
            {
                await rooms.DeleteRoomAsync(live.RoomName, cancellationToken);
            }
            catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
            {
                logger.LogWarning(failure, "Live {LiveId} ended, but its LiveKit room {Room} could not be deleted", live.Id, live.RoomName);
            }
        }

        var now = await db.Set<LiveSession>().AsNoTracking().SingleAsync(l => l.Id == liveId, cancellationToken);
        return await ReadLive.ShapeAsync(users, now, cancellationToken);
    }
}

/// <summary>Ends a live once, whoever ends it: a conditional update from <c>live</c>, and <see cref="LiveEnded"/> with it.</summary>
public sealed class LiveEnding(SpotlightDb db, DomainEvents events, TimeProvider time)
{
    /// <summary><c>true</c> when this call ended it; <c>false</c> when it had ended already.</summary>
    public async Task<bool> EndAsync(LiveSession live, string reason, Guid? endedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await db.Set<LiveSession>().Where(l => l.Id == live.Id && l.Status == LiveStatus.Live).ExecuteUpdateAsync(s => s
            .SetProperty(l => l.Status, LiveStatus.Ended)
            .SetProperty(l => l.OnAirCreatorId, (Guid?)null)
            .SetProperty(l => l.EndedAt, now)
            .SetProperty(l => l.EndReason, reason)
            .SetProperty(l => l.EndedBy, endedBy), cancellationToken);
        if (ended == 0)
        {
            return false;
        }

        events.Raise(db, new LiveEnded(live.Id, live.CreatorId, reason, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

/// <summary>LiveKit closed a live's room (everyone left, or it was deleted): the live is over.</summary>
public sealed class RoomFinishedEndsLive(SpotlightDb db, LiveEnding ending) : IDomainEventHandler<LiveKitRoomFinished>
{
    public async Task HandleAsync(LiveKitRoomFinished domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.RoomName == domainEvent.Room, cancellationToken);
        if (live is not null)
        {
            await ending.EndAsync(live, LiveEndReason.RoomFinished, null, cancellationToken);
        }
    }
}
