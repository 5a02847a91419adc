using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

/// <summary>
/// An API password sign-in does not ask for a passkey, so a stolen password alone yields a session without <c>mfa</c>.
/// Such a session must not add a factor (a passkey, TOTP) or remove a passkey of an account that already has a second
/// factor: that would trade the password for the second factor the account relies on. The console asks for every
/// factor an account has at sign-in, so it does not need this check.
/// </summary>
public static class SecondFactorStepUp
{
    public static async Task<bool> IsMissingAsync(SpotlightDb db, ClaimsPrincipal caller, Guid userId, bool totpEnabled, CancellationToken cancellationToken) =>
        !AuthenticationMethods.IsMultiFactor(caller.FindAll(AuthenticationMethods.Claim).Select(c => c.Value)) &&
        (totpEnabled || await db.Set<PasskeyCredential>().AnyAsync(p => p.UserId == userId, cancellationToken));

    public static ProblemHttpResult Problem() => ApiProblem.Forbidden("two_factor_required",
        "This account has a second factor: sign in with it (a passkey, or a TOTP code) before changing its passkeys or enrolling another factor.");
}
