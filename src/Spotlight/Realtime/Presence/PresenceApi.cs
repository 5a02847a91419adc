using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Social;

namespace Spotlight.Realtime.Presence;

public sealed record PresenceResponse(Guid UserId, bool Online, DateTime? LastSeenAt);

/// <summary>
/// <c>GET /api/v1/users/{id}/presence</c>: whether a user is online and when they were last seen. The same people who get
/// the user's <c>presence</c> events may ask (the user, followers, conversation partners; nobody with a block between
/// them); to anyone else the answer is 404, as if the user did not exist.
/// </summary>
internal static class PresenceApi
{
    public static async Task<Results<Ok<PresenceResponse>, ProblemHttpResult>> Get(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, IPresence presence, IFollowGraph follows, IConversationDirectory conversations,
        IBlockList blocks, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var visible = id == me || (
            (await follows.FollowerIds(id).AnyAsync(f => f == me, cancellationToken) || await conversations.PartnerIds(id).AnyAsync(p => p == me, cancellationToken))
            && !await blocks.IsBlockedAsync(me, id, cancellationToken));
        var lastSeen = visible ? await db.Users.Where(u => u.Id == id && u.BannedAt == null).Select(u => new { u.LastSeenAt }).SingleOrDefaultAsync(cancellationToken) : null;
        if (lastSeen is null)
        {
            return ApiProblem.NotFound("No user whose presence you may see has this id.");
        }

        var online = await presence.OnlineUsers().AnyAsync(u => u == id, cancellationToken);
        return TypedResults.Ok(new PresenceResponse(id, online, lastSeen.LastSeenAt));
    }
}
