using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.TwoFactorAuth;

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary><c>POST /auth/2fa/recovery-codes</c>: replaces the recovery codes (shown once), with a current TOTP code.</summary>
public sealed class NewRecoveryCodes(UserManager<User> users, TwoFactor twoFactor, Lockout lockout, SpotlightDb db, AuditLog audit)
{
    public async Task<Outcome<RecoveryCodesResponse>> HandleAsync(Guid userId, TwoFactorCodeRequest request, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || !user.TwoFactorEnabled)
        {
            return TwoFactor.NotOn;
        }

        if (!await TwoFactor.CheckSignedInCodeAsync(user, request.Code, twoFactor.VerifyTotpAsync, lockout, db, "wrong_totp_on_recovery_codes"))
        {
            return TwoFactor.WrongCode;
        }

        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactor.RecoveryCodeCount))?.ToList() ?? [];
        await audit.WriteAsync(db, "auth.2fa_recovery_codes_regenerated", "user", user.Id.ToString());
        return new RecoveryCodesResponse(codes);
    }
}
