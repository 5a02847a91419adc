using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Sessions;

/// <summary><c>DELETE /auth/sessions/{id}</c>: ends one of the caller's sessions; another user's session id answers exactly like one that does not exist.</summary>
public sealed class RevokeSession(SpotlightDb db, SessionStateCache cache, AuditLog audit, TimeProvider time)
{
    public async Task<Refusal?> HandleAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // The owner is part of the condition: another user's session id answers exactly like one that does not exist.
        var revoked = await db.Set<Session>().Where(s => s.Id == id && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, "revoked_by_user"), cancellationToken);
        if (revoked == 0)
        {
            return Refusal.NotFound("No active session of yours has this id.");
        }

        await cache.EvictAsync([id]);
        await audit.WriteAsync(db, "auth.session_revoked", "session", id.ToString());
        return null;
    }
}
