using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

/// <summary><c>POST /auth/password/reset</c>: a new password with an emailed reset token; every session ends.</summary>
public sealed class ResetPassword(SpotlightDb db, PasswordPolicy policy, PasswordHashing hashing, SessionRevoker sessions, AuditLog audit, TimeProvider time)
{
    public async Task<Refusal?> HandleAsync(ResetPasswordRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("token", request.Token);
        policy.Check(errors, "newPassword", request.NewPassword, null, null);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await OneTimeToken.RedeemAsync(db, request.Token, OneTimeToken.PasswordReset, time.GetUtcNow().UtcDateTime);
        if (user is null)
        {
            return InvalidResetToken;
        }

        var policyErrors = new FieldErrors();
        policy.Check(policyErrors, "newPassword", request.NewPassword, user.Email, user.Handle);
        if (policyErrors.Any)
        {
            return policyErrors.ToRefusal();
        }

        var hash = await hashing.HashAsync(user, request.NewPassword!, cancellationToken);
        if (hash is null)
        {
            return IdentityRefusals.Busy;
        }

        // Only if the stamp the token was bound to is still the account's: of two reset links used at once, one wins.
        var issuedStamp = user.SecurityStamp;
        var newStamp = Guid.NewGuid().ToString("N");
        var changed = await db.Users.Where(u => u.Id == user.Id && u.SecurityStamp == issuedStamp).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.PasswordHash, hash)
            .SetProperty(u => u.SecurityStamp, newStamp)
            .SetProperty(u => u.AccessFailedCount, 0)
            .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null), cancellationToken);
        if (changed == 0)
        {
            return InvalidResetToken;
        }

        audit.Add(db, "auth.password_reset", "user", user.Id.ToString(), actorId: user.Id);
        await db.SaveChangesAsync(cancellationToken);
        await sessions.RevokeAllAsync(db, user.Id, "password_reset");
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private static readonly Refusal InvalidResetToken =
        IdentityRefusals.BadRequest("invalid_token", "This reset link is invalid, used or expired. Ask for a new one.");
}
