using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Staff;

/// <summary>
/// The console's TOTP step (or a recovery code) after the password. A wrong code counts toward the lockout; once locked,
/// the sign-in must start again (<see cref="StaffSignInRefusals.InvalidCredentials"/>), else the same ticket may try again
/// (<see cref="StaffSignInRefusals.InvalidCode"/>).
/// </summary>
public sealed class StaffCodeSignIn(SpotlightDb db, PasswordCheck passwords, TwoFactor twoFactor, StaffSignInTickets tickets, StaffSignInFinish finish, TimeProvider time)
{
    public async Task<Outcome<StaffSignInStep>> HandleAsync(string ticket, string code, CancellationToken cancellationToken)
    {
        if (await tickets.UserAsync(ticket, cancellationToken) is not { } user)
        {
            return StaffSignInRefusals.InvalidCredentials;
        }

        if (!user.TwoFactorEnabled || !await twoFactor.VerifyLoginCodeAsync(user, code))
        {
            await passwords.Lockout.RecordFailureAsync(db, user, "wrong_totp");
            passwords.Metrics.Login("invalid_totp");
            var lockedNow = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync(cancellationToken) > time.GetUtcNow();
            return lockedNow ? StaffSignInRefusals.InvalidCredentials : StaffSignInRefusals.InvalidCode;
        }

        return await finish.FinishAsync(user, string.Join(' ', TwoFactor.AmrFor(code)), cancellationToken);
    }
}
