using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Administration;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Tokens;

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>
/// Refresh-token rotation with reuse detection (RFC 9700 §4.14.2): every use spends the token and issues the next one in
/// the same family; a spent token presented again means it was stolen, so the whole family (the session) is revoked,
/// including the newest token.
/// </summary>
internal static class Refresh
{
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        RefreshRequest request, SpotlightDb db, TokenService tokens, SessionStateCache sessions, AuditLog audit, IdentityMetrics metrics, AccountBans bans, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > 200)
        {
            return new Platform.Errors.FieldErrors().Add("refreshToken", "This field is required.").ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var hash = TokenService.HashRefreshToken(request.RefreshToken);
        var token = await db.Set<RefreshToken>().AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash);
        if (token is null)
        {
            return Invalid();
        }

        var session = await db.Set<Session>().SingleAsync(s => s.Id == token.SessionId);
        if (session.RevokedAt is not null)
        {
            // Every token of a family revoked for reuse (the newest included) says why, so the client can tell the user.
            return session.RevokedReason == ReusedReason ? Reused() : Invalid();
        }

        if (session.ExpiresAt <= now)
        {
            return Invalid();
        }

        // Spend it only if nobody has: of two concurrent uses, one wins and the other is a reuse.
        var spent = token.SpentAt is null && await db.Set<RefreshToken>()
            .Where(t => t.Id == token.Id && t.SpentAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SpentAt, now)) == 1;
        if (!spent)
        {
            session.RevokedAt = now;
            session.RevokedReason = ReusedReason;
            audit.Add(db, "auth.refresh_token_reused", "session", session.Id.ToString(), actorId: session.UserId);
            await db.SaveChangesAsync();
            await sessions.EvictAsync([session.Id]);
            metrics.RefreshReuse.Add(1);
            return Reused();
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId);
        if (await bans.IsBannedAsync(db, user))
        {
            return Invalid();
        }

        var next = tokens.Rotate(db, session);
        await db.SaveChangesAsync();
        return TypedResults.Ok(tokens.Response(user, session.Id, next, AuthenticationMethods.Read(session.Amr)));
    }

    private const string ReusedReason = "refresh_token_reused";

    private static ProblemHttpResult Reused() => ApiProblem.Unauthorized("refresh_token_reused",
        "This refresh token was already used, so it may have been stolen: its session has been ended on every device. Sign in again.");

    private static ProblemHttpResult Invalid() =>
        ApiProblem.Unauthorized("invalid_refresh_token", "The refresh token is not valid. Sign in again.");
}

internal static class Logout
{
    public static async Task<Results<NoContent, ValidationProblem>> Handle(
        RefreshRequest request, SpotlightDb db, SessionStateCache sessions, AuditLog audit, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > 200)
        {
            return new Platform.Errors.FieldErrors().Add("refreshToken", "This field is required.").ToProblem();
        }

        var hash = TokenService.HashRefreshToken(request.RefreshToken);
        var sessionId = await db.Set<RefreshToken>().Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId).SingleOrDefaultAsync();
        if (sessionId is { } id)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var revoked = await db.Set<Session>().Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "logout"));
            if (revoked == 1)
            {
                await audit.WriteAsync(db, "auth.logout", "session", id.ToString());
            }

            await sessions.EvictAsync([id]);
        }

        // The same answer whether or not the token was known: logging out is never an oracle.
        return TypedResults.NoContent();
    }
}
