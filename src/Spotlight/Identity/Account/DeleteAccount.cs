using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.TwoFactorAuth;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Account;

public sealed record DeleteAccountRequest(string? Password, string? TotpCode);

/// <summary>
/// <c>DELETE /me</c>: the user deletes their own account. Needs the password (a wrong one is the same field refusal as a
/// password change's, counted toward the lockout) and, when TOTP is on, a current code or a recovery code (missing: 403
/// <c>two_factor_required</c>, as every step-up; wrong: a field refusal on <c>totpCode</c>).
/// </summary>
internal sealed class DeleteAccount(SpotlightDb db, PasswordCheck passwords, TwoFactor twoFactor, AccountDeletion deletion)
{
    public static readonly Refusal TwoFactorRequired = Refusal.Forbidden(SecondFactorRequirement.Code,
        "This account uses two-factor authentication: send totpCode (a current code or a recovery code) to delete it.");

    public async Task<Refusal?> HandleAsync(Guid userId, DeleteAccountRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("password", request.Password).MaxLength("password", request.Password, PasswordPolicy.MaximumLength)
            .MaxLength("totpCode", request.TotpCode, 64);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.DeletedAt == null, cancellationToken);
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        var locked = passwords.Lockout.IsLockedOut(user);
        var verdict = await passwords.Hashing.VerifyAsync(user, request.Password!, cancellationToken);
        if (verdict is null)
        {
            return IdentityRefusals.Busy;
        }

        if (locked || verdict == PasswordVerificationResult.Failed)
        {
            if (!locked)
            {
                await passwords.Lockout.RecordFailureAsync(db, user, "wrong_password_on_delete");
            }

            return IdentityRefusals.Invalid("password", "The password is wrong.");
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TotpCode))
            {
                return TwoFactorRequired;
            }

            if (!await TwoFactor.CheckSignedInCodeAsync(user, request.TotpCode, twoFactor.VerifyLoginCodeAsync, passwords.Lockout, db, "wrong_totp_on_delete"))
            {
                return IdentityRefusals.Invalid("totpCode", "The two-factor code is wrong or expired.");
            }
        }

        db.ChangeTracker.Clear();
        return await deletion.DeleteAsync(userId, "self", cancellationToken) ? null : IdentityRefusals.NoSuchAccount;
    }
}

/// <summary><c>DELETE /admin/users/{id}</c> and the console: an admin deletes an account (again: finishes an interrupted deletion).</summary>
internal sealed class AdminDeleteAccount(AccountDeletion deletion)
{
    public static readonly Refusal CannotDeleteSelf = IdentityRefusals.BadRequest("cannot_delete_self",
        "Delete your own account with DELETE /api/v1/me (it asks for your password).");

    public async Task<Refusal?> HandleAsync(Guid adminId, Guid userId, CancellationToken cancellationToken)
    {
        if (adminId == userId)
        {
            return CannotDeleteSelf;
        }

        return await deletion.DeleteAsync(userId, "admin", cancellationToken) ? null : Administration.AdminRefusals.NoSuchAccount;
    }
}
