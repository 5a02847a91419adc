using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>
/// <c>POST /auth/password/change</c>. Needs the current password, counted toward the login lockout (a stolen access token
/// must not buy unlimited guesses; while locked even the right password gets the wrong-password answer). Ends every other
/// session; the caller's keeps going (its access tokens run to their expiry, its refresh token gives tokens under the new stamp).
/// </summary>
public sealed class ChangePassword(SpotlightDb db, PasswordPolicy policy, PasswordCheck passwords, SessionRevoker sessions)
{
    public async Task<Refusal?> HandleAsync(Guid userId, Guid? currentSession, ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        var errors = new FieldErrors().Required("currentPassword", request.CurrentPassword).MaxLength("currentPassword", request.CurrentPassword, PasswordPolicy.MaximumLength);
        policy.Check(errors, "newPassword", request.NewPassword, user.Email, user.Handle);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var locked = passwords.Lockout.IsLockedOut(user);
        var verdict = await passwords.Hashing.VerifyAsync(user, request.CurrentPassword!, cancellationToken);
        if (verdict is null)
        {
            return IdentityRefusals.Busy;
        }

        if (locked || verdict == PasswordVerificationResult.Failed)
        {
            if (!locked)
            {
                await passwords.Lockout.RecordFailureAsync(db, user, "wrong_current_password");
            }

            return IdentityRefusals.Invalid("currentPassword", "The current password is wrong.");
        }

        user.PasswordHash = await passwords.Hashing.HashAsync(user, request.NewPassword!, cancellationToken);
        if (user.PasswordHash is null)
        {
            return IdentityRefusals.Busy;
        }

        var previousStamp = user.SecurityStamp;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.AccessFailedCount = 0;
        passwords.Audit.Add(db, "auth.password_changed", "user", user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeOthersAsync(db, user.Id, currentSession, previousStamp, "password_changed");
        return null;
    }
}
