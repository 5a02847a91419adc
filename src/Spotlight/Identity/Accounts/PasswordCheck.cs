using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Identity.Passwords;
using Spotlight.Platform.Audit;

namespace Spotlight.Identity.Accounts;

/// <summary>What checking a password takes, in one place for every sign-in and password change: the hashing gate, the hasher (rehash at today's cost), the lockout counter, audit and metrics.</summary>
public sealed class PasswordCheck(PasswordHashing hashing, IPasswordHasher<User> hasher, Lockout lockout, AuditLog audit, IdentityMetrics metrics)
{
    public PasswordHashing Hashing => hashing;

    public IPasswordHasher<User> Hasher => hasher;

    public Lockout Lockout => lockout;

    public AuditLog Audit => audit;

    public IdentityMetrics Metrics => metrics;

    /// <summary>
    /// A sign-in's password, checked the same way by the API and the console: a hash is computed even for an unknown email,
    /// so the time tells nothing; a failure (unknown email, locked account, wrong password) is audited as
    /// <paramref name="failedAction"/>, counted toward the lockout and in metrics, and answered <c>Failed</c>. Null: the
    /// hash workers are busy.
    /// </summary>
    public async Task<PasswordVerificationResult?> CheckSignInAsync(SpotlightDb db, User? user, string password, string failedAction, CancellationToken cancellationToken)
    {
        var locked = user is not null && lockout.IsLockedOut(user);
        var verdict = await hashing.VerifyAsync(user, password, cancellationToken);
        if (verdict is null)
        {
            return null;
        }

        if (user is not null && !locked && verdict != PasswordVerificationResult.Failed)
        {
            return verdict;
        }

        if (user is null)
        {
            await audit.WriteAsync(db, failedAction, details: new { reason = "unknown_email" });
        }
        else if (locked)
        {
            await audit.WriteAsync(db, failedAction, "user", user.Id.ToString(), new { reason = "locked_out" }, actorId: user.Id);
        }
        else
        {
            await lockout.RecordFailureAsync(db, user, "wrong_password");
        }

        metrics.Login(locked ? "locked_out" : "invalid_credentials");
        return PasswordVerificationResult.Failed;
    }
}
