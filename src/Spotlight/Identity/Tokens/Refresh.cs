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
public sealed class Refresh(
    SpotlightDb db, TokenService tokens, SessionStateCache sessions, AuditLog audit, IdentityMetrics metrics, AccountBans bans, TimeProvider time)
{
    public async Task<Outcome<TokenResponse>> HandleAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        if (Logout.Missing(request) is { } missing)
        {
            return missing;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var hash = TokenService.HashRefreshToken(request.RefreshToken!);
        var token = await db.Set<RefreshToken>().AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null)
        {
            return Invalid();
        }

        var session = await db.Set<Session>().SingleAsync(s => s.Id == token.SessionId, cancellationToken);
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
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SpentAt, now), cancellationToken) == 1;
        if (!spent)
        {
            session.RevokedAt = now;
            session.RevokedReason = ReusedReason;
            audit.Add(db, "auth.refresh_token_reused", "session", session.Id.ToString(), actorId: session.UserId);
            // Not cancelled half-way: a reuse detected is a family revoked.
            await db.SaveChangesAsync(CancellationToken.None);
            await sessions.EvictAsync([session.Id]);
            metrics.RefreshReuse.Add(1);
            return Reused();
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == session.UserId, cancellationToken);
        if (await bans.IsBannedAsync(db, user, cancellationToken))
        {
            return Invalid();
        }

        // The token is spent: its successor is stored even if the caller has gone.
        var next = tokens.Rotate(db, session);
        await db.SaveChangesAsync(CancellationToken.None);
        return tokens.Response(user, session.Id, next, AuthenticationMethods.Read(session.Amr));
    }

    private const string ReusedReason = "refresh_token_reused";

    private static Refusal Reused() => IdentityRefusals.Unauthorized("refresh_token_reused",
        "This refresh token was already used, so it may have been stolen: its session has been ended on every device. Sign in again.");

    private static Refusal Invalid() =>
        IdentityRefusals.Unauthorized("invalid_refresh_token", "The refresh token is not valid. Sign in again.");
}

/// <summary><c>POST /auth/logout</c>: ends the session (token family) of a refresh token; the same answer whether or not the token was known.</summary>
public sealed class Logout(SpotlightDb db, SessionStateCache sessions, AuditLog audit, TimeProvider time)
{
    public async Task<Refusal?> HandleAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        if (Missing(request) is { } missing)
        {
            return missing;
        }

        var hash = TokenService.HashRefreshToken(request.RefreshToken!);
        var sessionId = await db.Set<RefreshToken>().Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId).SingleOrDefaultAsync(cancellationToken);
        if (sessionId is { } id)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var revoked = await db.Set<Session>().Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "logout"), cancellationToken);
            if (revoked == 1)
            {
                await audit.WriteAsync(db, "auth.logout", "session", id.ToString());
            }

            await sessions.EvictAsync([id]);
        }

        // The same answer whether or not the token was known: logging out is never an oracle.
        return null;
    }

    internal static Refusal? Missing(RefreshRequest request) =>
        string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > 200
            ? IdentityRefusals.Invalid("refreshToken", "This field is required.")
            : null;
}
