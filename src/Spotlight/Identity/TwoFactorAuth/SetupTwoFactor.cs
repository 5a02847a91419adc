using Microsoft.AspNetCore.Identity;
using Spotlight.Identity.Passkeys;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.TwoFactorAuth;

/// <summary>
/// <c>POST /auth/2fa/setup</c>: a new authenticator key and recovery codes, not active until enabled. An account with a
/// passkey adds TOTP only from a session that used a second factor (a password alone must not add a factor).
/// </summary>
public sealed class SetupTwoFactor(UserManager<User> users, TwoFactor twoFactor, SecondFactorStepUp stepUp)
{
    public async Task<Outcome<TwoFactorSetupResponse>> HandleAsync(Caller caller, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(caller.UserId.ToString());
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (user.TwoFactorEnabled)
        {
            return Refusal.Conflict("two_factor_enabled", "Two-factor authentication is already on; disable it first to enrol a new authenticator.");
        }

        if (await stepUp.IsMissingAsync(caller, totpEnabled: false, cancellationToken))
        {
            return SecondFactorStepUp.Refusal;
        }

        return await twoFactor.SetupAsync(user);
    }
}
