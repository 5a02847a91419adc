using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Events;
using Spotlight.Realtime;
using Spotlight.Realtime.Live;
using Spotlight.Social;

namespace Spotlight.Live.Lives;

/// <summary>Why a user was taken out of a live (<c>liveKicked</c>'s <c>reason</c>).</summary>
public static class LiveRemovalReason
{
    public const string Kicked = "kicked";
    public const string Blocked = "blocked";
    public const string Banned = "banned";
}

/// <summary>The <c>liveKicked</c> event, to the removed user's own connections.</summary>
internal sealed record LiveKickedEvent(Guid LiveSessionId, string Reason);

/// <summary>
/// Takes a user out of a live: out of its hub room on every node (Realtime's <see cref="LiveRooms"/>), told with
/// <c>liveKicked</c> <c>{ liveSessionId, reason }</c>, and disconnected by LiveKit (<c>RemoveParticipant</c>, bounded).
/// Keeping them out afterwards is <see cref="LiveAccess"/>'s business (a kick, a ban, a block).
/// </summary>
public sealed class LiveRemoval(LiveRooms rooms, IRealtimeSender sender, LiveKitRoomService livekit, ILogger<LiveRemoval> logger)
{
    public const string LiveKickedEventName = "liveKicked";

    /// <summary>The hub part, in the caller's transaction: it goes out when the change that decided it commits.</summary>
    public async Task StageAsync(SpotlightDb db, Guid liveId, Guid userId, string reason, CancellationToken cancellationToken)
    {
        await rooms.StageRemovalAsync(db, liveId, userId, cancellationToken);
        await sender.StageToUsersAsync(db, [userId], LiveKickedEventName, new LiveKickedEvent(liveId, reason), cancellationToken);
    }

    /// <summary>The hub part with nothing to commit (a reaction to another module's event).</summary>
    public async Task PublishAsync(Guid liveId, Guid userId, string reason, CancellationToken cancellationToken)
    {
        await rooms.PublishRemovalAsync(liveId, userId, cancellationToken);
        await sender.PublishToUsersAsync([userId], LiveKickedEventName, new LiveKickedEvent(liveId, reason), cancellationToken);
    }

    /// <summary>LiveKit disconnects them: <c>removed</c>, <c>not_in_room</c>, or <c>unavailable</c> (LiveKit down, refused or not configured; logged).</summary>
    public async Task<string> FromLiveKitAsync(LiveSession live, Guid userId, CancellationToken cancellationToken)
    {
        try
        {
            return await livekit.RemoveParticipantAsync(live.RoomName, userId.ToString(), cancellationToken) ? "removed" : "not_in_room";
        }
        catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
        {
            logger.LogWarning(failure, "User {UserId} was taken out of live {LiveId}, but LiveKit could not disconnect them from {Room}", userId, live.Id, live.RoomName);
            return "unavailable";
        }
    }
}

/// <summary>
/// A banned user leaves every live: their own live ends (reason <c>moderator</c>) and each other live they are recorded
/// watching (a <see cref="LiveViewer"/> row: LiveKit's webhooks and the watch's <c>ListParticipants</c>, or the hub)
/// asks LiveKit to disconnect them: one <c>RemoveParticipant</c> per live they are in, not per live on. A join LiveKit has
/// not reported yet is caught when it is (<see cref="RemovedViewersStayOut"/>); the first LiveKit failure ends the
/// sweep, logged. Their hub connections are closed by Realtime on the ban; they are taken out of every live room all the same.
/// </summary>
internal sealed class BanRemovesFromLives(SpotlightDb db, LiveRemoval removal, LiveRooms rooms, LiveEnding ending, LiveKitRoomService livekit, ILogger<BanRemovesFromLives> logger)
    : IDomainEventHandler<UserBanned>
{
    public async Task HandleAsync(UserBanned domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var userId = domainEvent.UserId;
        await rooms.PublishRemovalAsync(null, userId, cancellationToken);
        var lives = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Status == LiveStatus.Live).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        foreach (var live in lives.Where(l => l.CreatorId == userId))
        {
            if (await ending.EndAsync(live, LiveEndReason.Moderator, null, cancellationToken))
            {
                try
                {
                    await livekit.DeleteRoomAsync(live.RoomName, cancellationToken);
                }
                catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
                {
                    logger.LogWarning(failure, "The banned creator's live {LiveId} ended, but its LiveKit room could not be deleted", live.Id);
                }
            }
        }

        var identity = userId.ToString();
        var watched = await db.Set<LiveViewer>().AsNoTracking().Where(v => v.Identity == identity).Select(v => v.LiveId).ToListAsync(cancellationToken);
        foreach (var live in lives.Where(l => l.CreatorId != userId && watched.Contains(l.Id)))
        {
            if (await removal.FromLiveKitAsync(live, userId, cancellationToken) == "unavailable")
            {
                return; // LiveKit is down: the rest would fail the same way (logged); a rejoin is caught on participant_joined
            }
        }
    }
}

/// <summary>
/// A block between a creator who is live and someone else takes that someone out of the live (a creator blocking a
/// viewer; a viewer blocking the creator too): out of the hub room with <c>liveKicked</c> (reason <c>blocked</c>) and
/// disconnected by LiveKit. Joining again is refused by <see cref="LiveAccess"/>.
/// </summary>
internal sealed class BlockRemovesFromLive(SpotlightDb db, LiveRemoval removal) : IDomainEventHandler<UserBlocked>
{
    public async Task HandleAsync(UserBlocked domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var (a, b) = (domainEvent.BlockerId, domainEvent.BlockedId);
        var lives = await db.Set<LiveSession>().AsNoTracking()
            .Where(l => l.Status == LiveStatus.Live && (l.CreatorId == a || l.CreatorId == b)).ToListAsync(cancellationToken);
        foreach (var live in lives)
        {
            var other = live.CreatorId == a ? b : a;
            await removal.PublishAsync(live.Id, other, LiveRemovalReason.Blocked, cancellationToken);
            await removal.FromLiveKitAsync(live, other, cancellationToken);
        }
    }
}

/// <summary>
/// LiveKit let someone into a live's room who is kept out of it (kicked from that live, banned, or blocked either way with
/// the creator): a watch token outlives the decision, so LiveKit is asked to disconnect them again. Identities that are
/// not Spotlight users are left alone.
/// </summary>
internal sealed class RemovedViewersStayOut(SpotlightDb db, IUserDirectory users, IBlockList blocks, LiveRemoval removal) : IDomainEventHandler<LiveKitParticipantJoined>
{
    public async Task HandleAsync(LiveKitParticipantJoined domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(domainEvent.Identity, out var userId))
        {
            return;
        }

        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.RoomName == domainEvent.Room && l.Status == LiveStatus.Live, cancellationToken);
        if (live is null || live.CreatorId == userId || !(await users.FactsAsync([userId], cancellationToken)).TryGetValue(userId, out var user) || user.IsStaff && !user.IsBanned)
        {
            return;
        }

        if (user.IsBanned
            || await db.Set<LiveKick>().AnyAsync(k => k.LiveId == live.Id && k.UserId == userId, cancellationToken)
            || await blocks.IsBlockedAsync(userId, live.CreatorId, cancellationToken))
        {
            await removal.FromLiveKitAsync(live, userId, cancellationToken);
        }
    }
}
