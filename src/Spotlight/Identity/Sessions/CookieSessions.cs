using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Sessions;

/// <summary>
/// Server-side sessions for a sign-in held in a cookie (the admin console): a <see cref="Session"/> row with no refresh
/// tokens, whose id the cookie carries. Checked like an access token's (<see cref="SessionStateCache"/>), so signing out,
/// a ban, a password change or a new stamp refuses a copied cookie on every node, as it does a token.
/// </summary>
public sealed class CookieSessions(SessionStateCache cache, TimeProvider time)
{
    public async Task<Guid> StartAsync(SpotlightDb db, Guid userId, string? userAgent, string? ip, IReadOnlyList<string> amr, TimeSpan lifetime)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            Id = Guid.CreateVersion7(), UserId = userId, UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent, Ip = ip,
            CreatedAt = now, LastUsedAt = now, ExpiresAt = now + lifetime, Amr = AuthenticationMethods.Store(amr),
        };
        db.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary>Ends one session of the user (sign-out); false when it was not live.</summary>
    public async Task<bool> EndAsync(SpotlightDb db, Guid sessionId, Guid userId, string reason)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ended = await db.Set<Session>().Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
        await cache.EvictAsync([sessionId]);
        return ended == 1;
    }
}
