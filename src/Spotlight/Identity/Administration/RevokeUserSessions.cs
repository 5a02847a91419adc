using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary><c>DELETE /admin/users/{id}/sessions</c> and the console: ends every session of an account.</summary>
public sealed class RevokeUserSessions(SpotlightDb db, SessionRevoker sessions, AuditLog audit)
{
    public async Task<Refusal?> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return AdminRefusals.NoSuchAccount;
        }

        var count = await sessions.RevokeAllAsync(db, id, "revoked_by_admin");
        await audit.WriteAsync(db, "user.sessions_revoked", "user", id.ToString(), new { count });
        return null;
    }
}
