using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.TwoFactorAuth;

public sealed record TwoFactorCodeRequest(string? Code);

/// <summary><c>POST /auth/2fa/enable</c>: turns TOTP on with a current code; every other session ends.</summary>
public sealed class EnableTwoFactor(UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit)
{
    public async Task<Refusal?> HandleAsync(Caller caller, TwoFactorCodeRequest request, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(caller.UserId.ToString());
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (!await twoFactor.VerifyTotpAsync(user, request.Code))
        {
            return IdentityRefusals.Invalid("code", "The code is wrong or expired. Call /2fa/setup first, then send the current 6-digit code.");
        }

        await twoFactor.EnableAsync(user, caller.SessionId);
        await audit.WriteAsync(db, "auth.2fa_enabled", "user", user.Id.ToString());
        return null;
    }
}
