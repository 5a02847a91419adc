using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;

namespace Spotlight.Identity.Accounts;

/// <summary>
/// Five wrong passwords (or codes) in a row lock an account for 15 minutes (settings <c>Identity:MaxFailedLogins</c>,
/// <c>Identity:LockoutMinutes</c>). Counting is done in SQL so concurrent failures are all counted.
/// </summary>
public sealed class Lockout(SpotlightIdentityOptions options, TimeProvider time, AuditLog audit, IdentityMetrics metrics)
{
    public bool IsLockedOut(User user) => user.LockoutEnd is { } end && end > time.GetUtcNow();

    public async Task RecordFailureAsync(SpotlightDb db, User user, string reason)
    {
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1));
        var failures = await db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync();
        Remember(db, user, failures, user.LockoutEnd);
        audit.Add(db, "auth.login_failed", "user", user.Id.ToString(), new { reason }, actorId: user.Id);
        if (failures >= options.MaxFailedLogins)
        {
            var until = time.GetUtcNow().AddMinutes(options.LockoutMinutes);
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LockoutEnd, until)
                .SetProperty(u => u.AccessFailedCount, 0));
            Remember(db, user, 0, until);
            audit.Add(db, "auth.locked_out", "user", user.Id.ToString(), new { minutes = options.LockoutMinutes, failures }, actorId: user.Id);
            metrics.Login("locked_out");
        }

        await db.SaveChangesAsync();
    }

    public async Task ResetAsync(SpotlightDb db, User user)
    {
        if (user.AccessFailedCount == 0 && user.LockoutEnd is null)
        {
            return;
        }

        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.AccessFailedCount, 0)
            .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null));
        Remember(db, user, 0, null);
    }

    /// <summary>
    /// Brings the caller's copy of the account up to what SQL just wrote, as unchanged: UserManager writes every column
    /// of a tracked user back on its next update, and that must not undo a count made here (or by another request).
    /// </summary>
    private static void Remember(SpotlightDb db, User user, int failures, DateTimeOffset? lockoutEnd)
    {
        user.AccessFailedCount = failures;
        user.LockoutEnd = lockoutEnd;
        var entry = db.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.AccessFailedCount).OriginalValue = failures;
            entry.Property(u => u.LockoutEnd).OriginalValue = lockoutEnd;
        }
    }
}
