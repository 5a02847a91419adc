using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Staff;

/// <summary>
/// The authenticator key a console user enrols with. <see cref="Account"/> is the account now: when a key had to be made,
/// Identity gave it a new stamp (<see cref="StampChanged"/>), and the console signs its cookie again with it.
/// </summary>
public sealed record StaffTotpKey(StaffAccount Account, bool AlreadyEnabled, string? Secret, string? OtpauthUri, bool StampChanged);

/// <summary>What enrolling gave: the account under its new stamp, and ten recovery codes (shown once).</summary>
public sealed record StaffTwoFactorEnrolled(StaffAccount Account, IReadOnlyList<string> RecoveryCodes);

/// <summary>The console's two-factor enrolment, step one: the account's authenticator key (made when it has none).</summary>
public sealed class StaffTotpKeys(UserManager<User> users, TwoFactor twoFactor, SessionStateCache sessions)
{
    public async Task<Outcome<StaffTotpKey>> HandleAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (user.TwoFactorEnabled)
        {
            return new StaffTotpKey(StaffAccount.From(user), AlreadyEnabled: true, null, null, StampChanged: false);
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        var made = key is null;
        if (made)
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            // Identity changed the stamp: without this, the cached old one would refuse the new cookie for up to 30 s.
            await sessions.EvictUserAsync(user.Id);
        }

        return new StaffTotpKey(StaffAccount.From(user), AlreadyEnabled: false, key, twoFactor.OtpauthUri(user, key!), made);
    }
}

/// <summary>
/// The console's two-factor enrolment, step two: a current code turns TOTP on. Every other session of the account ends
/// (API sessions and other console sign-ins); <c>consoleSession</c> stays.
/// </summary>
public sealed class EnrolStaffTwoFactor(UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit, SessionStateCache sessions)
{
    public static readonly Refusal AlreadyOn = Refusal.Conflict("two_factor_enabled", "Two-factor authentication is already on.");

    public static readonly Refusal WrongCode =
        IdentityRefusals.Invalid("code", "That code is wrong or expired. Enter the current 6-digit code your app shows for this account.");

    public async Task<Outcome<StaffTwoFactorEnrolled>> HandleAsync(Guid userId, Guid? consoleSession, string? code, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (user.TwoFactorEnabled)
        {
            return AlreadyOn;
        }

        if (!await twoFactor.VerifyTotpAsync(user, code?.Replace(" ", "", StringComparison.Ordinal).Trim()))
        {
            return WrongCode;
        }

        await twoFactor.EnableAsync(user, consoleSession);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactor.RecoveryCodeCount))?.ToList() ?? [];
        await audit.WriteAsync(db, "auth.2fa_enabled", "user", user.Id.ToString(), new { via = "admin_console" });
        // Enabling changed the security stamp: the console signs in again with the new one.
        await sessions.EvictUserAsync(user.Id);
        return new StaffTwoFactorEnrolled(StaffAccount.From(user), codes);
    }
}
