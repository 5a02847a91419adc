using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Identity.Sessions;

public sealed record SessionResponse(Guid Id, string? UserAgent, string? Ip, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, bool Current);

internal static class SessionsApi
{
    public static async Task<Ok<List<SessionResponse>>> List(ClaimsPrincipal caller, SpotlightDb db, TimeProvider time)
    {
        var userId = caller.UserId();
        var current = caller.SessionId();
        var now = time.GetUtcNow().UtcDateTime;
        var sessions = await db.Set<Session>().AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt)
            .Take(100)
            .ToListAsync();
        return TypedResults.Ok(sessions.Select(s => new SessionResponse(s.Id, s.UserAgent, s.Ip, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.Id == current)).ToList());
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
public sealed class SessionRevoker(SessionStateCache cache, TimeProvider time)
{
    public async Task<int> RevokeAllAsync(SpotlightDb db, Guid userId, string reason)
    {
        var ids = await db.Set<Session>().Where(s => s.UserId == userId && s.RevokedAt == null).Select(s => s.Id).ToListAsync();
        var now = time.GetUtcNow().UtcDateTime;
        var count = await db.Set<Session>().Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
        await cache.EvictAsync(ids);
        await cache.EvictUserAsync(userId);
        return count;
    }
}
