using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Sessions;

public sealed record SessionResponse(Guid Id, string? UserAgent, string? Ip, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, bool Current);

internal static class SessionsApi
{
    public static async Task<Ok<Page<SessionResponse>>> List(ClaimsPrincipal caller, SpotlightDb db, TimeProvider time)
    {
        var userId = caller.UserId();
        var current = caller.SessionId();
        var now = time.GetUtcNow().UtcDateTime;
        var sessions = await db.Set<Session>().AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt)
            .Take(PageRequest.MaxLimit)
            .ToListAsync();
        // One page holds them all (at most 100 live sessions are listed), so there is never a next cursor.
        return TypedResults.Ok(new Page<SessionResponse>(
            [.. sessions.Select(s => new SessionResponse(s.Id, s.UserAgent, s.Ip, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.Id == current))], null));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, SessionStateCache cache, AuditLog audit, TimeProvider time)
    {
        var userId = caller.UserId();
        var now = time.GetUtcNow().UtcDateTime;
        // The owner is part of the condition: another user's session id answers exactly like one that does not exist.
        var revoked = await db.Set<Session>().Where(s => s.Id == id && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "revoked_by_user"));
        if (revoked == 0)
        {
            return ApiProblem.NotFound("No active session of yours has this id.");
        }

        await cache.EvictAsync([id]);
        await audit.WriteAsync(db, "auth.session_revoked", "session", id.ToString());
        return TypedResults.NoContent();
    }
}

/// <summary>Ends sessions for the reasons another module has (a ban, a password reset, an admin's action).</summary>
public sealed class SessionRevoker(SessionStateCache cache, JwtOptions jwt, TimeProvider time)
{
    public Task<int> RevokeAllAsync(SpotlightDb db, Guid userId, string reason) => RevokeAsync(db, userId, reason, keep: null);

    /// <summary>
    /// After the user changed their security stamp from <paramref name="current"/>: ends every other session, and lets the
    /// current one's access tokens (made under <paramref name="previousStamp"/>) run to their expiry.
    /// </summary>
    public async Task<int> RevokeOthersAsync(SpotlightDb db, Guid userId, Guid? current, string? previousStamp, string reason)
    {
        if (current is { } kept)
        {
            var until = time.GetUtcNow().UtcDateTime.AddMinutes(jwt.AccessTokenMinutes).AddSeconds(jwt.ClockSkewSeconds);
            var stampHash = TokenService.StampHash(previousStamp);
            await db.Set<Session>().Where(s => s.Id == kept && s.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.KeptStampHash, stampHash).SetProperty(x => x.KeptStampUntil, until));
        }

        return await RevokeAsync(db, userId, reason, current);
    }

    /// <summary>Ends the user's live sessions (but <paramref name="keep"/>); one user-wide eviction covers every one of them on every node.</summary>
    private async Task<int> RevokeAsync(SpotlightDb db, Guid userId, string reason, Guid? keep)
    {
        var live = db.Set<Session>().Where(s => s.UserId == userId && s.RevokedAt == null);
        if (keep is { } kept)
        {
            live = live.Where(s => s.Id != kept);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var count = await live.ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
        await cache.EvictUserAsync(userId);
        return count;
    }
}
