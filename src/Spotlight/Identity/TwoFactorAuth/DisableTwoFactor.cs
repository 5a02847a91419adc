using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.TwoFactorAuth;

/// <summary><c>POST /auth/2fa/disable</c>: turns TOTP off with a current code or a recovery code (counted toward the lockout).</summary>
public sealed class DisableTwoFactor(UserManager<User> users, TwoFactor twoFactor, Lockout lockout, SpotlightDb db, AuditLog audit)
{
    public async Task<Refusal?> HandleAsync(Guid userId, TwoFactorCodeRequest request, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (!user.TwoFactorEnabled)
        {
            return TwoFactor.NotOn;
        }

        if (!await TwoFactor.CheckSignedInCodeAsync(user, request.Code, twoFactor.VerifyLoginCodeAsync, lockout, db, "wrong_totp_on_disable"))
        {
            return TwoFactor.WrongCode;
        }

        user = await users.FindByIdAsync(user.Id.ToString());
        await TwoFactor.TurnOffAsync(users, user!);
        await audit.WriteAsync(db, "auth.2fa_disabled", "user", user!.Id.ToString());
        return null;
    }
}
