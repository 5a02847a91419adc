using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Errors;
using Spotlight.Social;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Live.Lives;

/// <summary>
/// <c>POST /live/{id}/join</c>: a token to watch a live that is on (subscribe only; the creator gets their publisher
/// token back). Refused: 404 unknown, 409 <c>live_ended</c>, 403 <c>banned</c>, 403 <c>kicked</c> (<see cref="KickViewer"/>), 403 <c>blocked</c> (a block either way with
/// the creator), 403 <c>followers_only</c> / <c>subscribers_only</c> for a live the caller may not see. The other side's
/// creator in an active PK battle with this live gets a token to publish here too (whatever the live's visibility).
/// </summary>
public sealed class JoinLive(SpotlightDb db, LiveAccess access, LiveKitSettings settings, LiveKitTokens tokens, Battles.PkGuests battles)
{
    public async Task<Outcome<JoinLiveResponse>> HandleAsync(Guid callerId, Guid liveId, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        if (live is null)
        {
            return Refusal.NotFound("No live has this id.");
        }

        if (live.Status != LiveStatus.Live)
        {
            return Refusal.Conflict("live_ended", "This live has ended.");
        }

        var connection = settings.Connection();
        if (connection.Refusal is { } notConfigured)
        {
            return notConfigured;
        }

        var guest = callerId != live.CreatorId && await battles.IsGuestAsync(callerId, live.Id, cancellationToken);
        var viewer = await access.CheckAsync(callerId, live, cancellationToken, asGuest: guest);
        if (viewer.Refusal is { } refused)
        {
            return refused;
        }

        var grant = callerId == live.CreatorId || guest ? RoomGrant.Publisher(live.RoomName) : RoomGrant.Viewer(live.RoomName);
        return new JoinLiveResponse(connection.Value!.Url, tokens.Participant(connection.Value, callerId, viewer.Value!.Handle, grant), live.ViewerCount);
    }
}

/// <summary>Who may watch a live: not banned, not kicked from it, no block either way with the creator, and the live's visibility.</summary>
public sealed class LiveAccess(SpotlightDb db, IUserDirectory users, IBlockList blocks, IFollowGraph follows, ISubscriptionAccess subscriptions)
{
    /// <summary>
    /// The caller's facts when they may watch, else the refusal. <paramref name="asGuest"/>: the other creator of an
    /// active PK battle, for whom the live's visibility does not apply (a block still does).
    /// </summary>
    public async Task<Outcome<UserFacts>> CheckAsync(Guid callerId, LiveSession live, CancellationToken cancellationToken, bool asGuest = false)
    {
        if (!(await users.FactsAsync([callerId], cancellationToken)).TryGetValue(callerId, out var caller) || caller.IsBanned)
        {
            return Refusal.Forbidden("banned", "This account may not watch lives.");
        }

        if (callerId == live.CreatorId || caller.IsStaff)
        {
            return caller;
        }

        if (await db.Set<LiveKick>().AnyAsync(k => k.LiveId == live.Id && k.UserId == callerId, cancellationToken))
        {
            return Refusal.Forbidden("kicked", "You were removed from this live.");
        }

        if (await blocks.IsBlockedAsync(callerId, live.CreatorId, cancellationToken))
        {
            return Refusal.Forbidden("blocked", "You cannot watch this live.");
        }

        if (asGuest)
        {
            return caller;
        }

        return live.Visibility switch
        {
            LiveVisibility.Followers when !await follows.FollowerIds(live.CreatorId).ContainsAsync(callerId, cancellationToken) =>
                Refusal.Forbidden("followers_only", "This live is for the creator's followers."),
            LiveVisibility.Subscribers when (await subscriptions.ActivePlansAsync(callerId, [live.CreatorId], cancellationToken)).GetValueOrDefault(live.CreatorId) is not { Count: > 0 } =>
                Refusal.Forbidden("subscribers_only", "This live is for the creator's subscribers."),
            _ => caller,
        };
    }
}
