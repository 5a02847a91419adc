using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary><c>POST /admin/users/{id}/unban</c> and the console: lifts a ban or a suspension.</summary>
public sealed class UnbanUser(SpotlightDb db, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<AdminUserResponse>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return AdminRefusals.NoSuchAccount;
        }

        if (user.BannedAt is not null)
        {
            user.BannedAt = null;
            user.BannedUntil = null;
            user.BanReason = null;
            audit.Add(db, "user.unbanned", "user", id.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }

        return AdminUserResponse.From(user, time.GetUtcNow());
    }
}
