using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Realtime.Presence;

public sealed record PresenceResponse(Guid UserId, bool Online, DateTime? LastSeenAt);

/// <summary>
/// <c>GET /api/v1/users/{id}/presence</c>: whether a user is online and when they were last seen. The same people who get
/// the user's <c>presence</c> events may ask (the user, and whom the <see cref="IPresenceAudience"/>s name: followers,
/// conversation partners; nobody with a block between them); to anyone else the answer is 404, as if the user did not exist.
/// </summary>
internal sealed class GetPresence(PresenceAudiences audiences, IUserDirectory users, IPresence presence)
{
    public async Task<Outcome<PresenceResponse>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken)
    {
        var profile = await audiences.MaySeeAsync(me, id, cancellationToken)
            ? (await users.ProfilesAsync([id], cancellationToken)).GetValueOrDefault(id)
            : null;
        if (profile is null || profile.Facts.IsBanned)
        {
            return Refusal.NotFound("No user whose presence you may see has this id.");
        }

        var online = await presence.OnlineUsers().AnyAsync(u => u == id, cancellationToken);
        return new PresenceResponse(id, online, profile.LastSeenAt);
    }
}

internal static class PresenceApi
{
    public static async Task<Results<Ok<PresenceResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, GetPresence handler, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), id, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
