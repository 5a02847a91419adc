using Spotlight.Data;
using Spotlight.Identity.Administration;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Staff;

/// <summary>
/// Where a console sign-in stands: signed in (<see cref="Ticket"/> null, <see cref="Method"/> its RFC 8176 <c>amr</c>
/// values, "pwd", "pwd otp", "hwk mfa"...), or waiting for a second step with <see cref="Ticket"/>.
/// </summary>
public sealed record StaffSignInStep(StaffAccount Account, string? Ticket, string? Method, bool HasPasskey)
{
    public bool SignedIn => Ticket is null;
}

/// <summary>Why a console sign-in was refused; each refusal is one instance, so the console tells them apart.</summary>
public static class StaffSignInRefusals
{
    public static readonly Refusal RateLimited = new(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many sign-in attempts.");
    public static readonly Refusal Busy = IdentityRefusals.Busy;
    public static readonly Refusal InvalidCredentials = IdentityRefusals.Unauthorized("invalid_credentials", "The email or password is wrong.");
    public static readonly Refusal InvalidCode = IdentityRefusals.Unauthorized("invalid_totp", "The two-factor code is wrong or expired.");
    public static readonly Refusal InvalidPasskey = IdentityRefusals.Unauthorized("invalid_passkey", "The passkey could not be verified.");
    public static readonly Refusal NotStaff = Refusal.Forbidden("not_staff", "This account is not an administrator or moderator.");
    public static readonly Refusal Banned = Refusal.Forbidden("account_banned", "This account is suspended.");
}

/// <summary>
/// The end every console sign-in shares, with the API's rules: a banned account is refused, only <c>admin</c> and
/// <c>moderator</c> accounts get in; the lockout counter is reset and the sign-in audited.
/// </summary>
public sealed class StaffSignInFinish(SpotlightDb db, Accounts.PasswordCheck passwords, AccountBans bans, StaffSignInTickets tickets)
{
    internal async Task<Outcome<StaffSignInStep>> FinishAsync(User user, string method, CancellationToken cancellationToken)
    {
        var audit = passwords.Audit;
        if (await bans.IsBannedAsync(db, user, cancellationToken))
        {
            await audit.WriteAsync(db, "admin.sign_in_failed", "user", user.Id.ToString(), new { reason = "banned" }, actorId: user.Id);
            return StaffSignInRefusals.Banned;
        }

        if (!user.IsInRole(Role.Admin) && !user.IsInRole(Role.Moderator))
        {
            await audit.WriteAsync(db, "admin.sign_in_failed", "user", user.Id.ToString(), new { reason = "not_staff" }, actorId: user.Id);
            return StaffSignInRefusals.NotStaff;
        }

        await passwords.Lockout.ResetAsync(db, user);
        await audit.WriteAsync(db, "admin.signed_in", "user", user.Id.ToString(), new { twoFactor = user.TwoFactorEnabled, method }, actorId: user.Id);
        passwords.Metrics.Login("success");
        return new StaffSignInStep(StaffAccount.From(user), null, method,
            method.Contains("hwk", StringComparison.Ordinal) || await tickets.HasPasskeyAsync(user.Id, default));
    }
}
