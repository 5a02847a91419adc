using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

/// <summary>
/// <c>POST /auth/passkeys/register/begin</c> (and the console's passkeys page): WebAuthn creation options for a new
/// passkey of the caller, and the ceremony id to finish with.
/// </summary>
public sealed class BeginPasskeyRegistration(SpotlightDb db, PasskeyCeremonies ceremonies, SecondFactorStepUp stepUp)
{
    public async Task<Outcome<PasskeyCeremonyResponse>> HandleAsync(Caller caller, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == caller.UserId, cancellationToken);
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (await stepUp.IsMissingAsync(caller, user.TwoFactorEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Refusal;
        }

        return await ceremonies.BeginRegistrationAsync(user, cancellationToken);
    }
}
