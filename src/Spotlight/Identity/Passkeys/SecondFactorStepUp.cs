using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Identity.Passkeys;

/// <summary>
/// An API password sign-in does not ask for a passkey, so a stolen password alone yields a session without <c>mfa</c>.
/// Such a session must not add a factor (a passkey, TOTP) or remove a passkey of an account that already has a second
/// factor: that would trade the password for the second factor the account relies on. The console asks for every
/// factor an account has at sign-in, so its callers pass (<see cref="Caller.Console"/>).
/// </summary>
public sealed class SecondFactorStepUp(SpotlightDb db)
{
    public static readonly Platform.Errors.Refusal Refusal = Platform.Errors.Refusal.Forbidden("two_factor_required",
        "This account has a second factor: sign in with it (a passkey, or a TOTP code) before changing its passkeys or enrolling another factor.");

    public async Task<bool> IsMissingAsync(Caller caller, bool totpEnabled, CancellationToken cancellationToken) =>
        !caller.MultiFactor && (totpEnabled || await db.Set<PasskeyCredential>().AnyAsync(p => p.UserId == caller.UserId, cancellationToken));
}
