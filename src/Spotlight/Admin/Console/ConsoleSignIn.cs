using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Administration;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Http;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Admin.Console;

public enum SignInOutcome
{
    SignedIn,
    TwoFactorRequired,
    InvalidCredentials,
    InvalidCode,
    NotStaff,
    Banned,
    Busy,
    RateLimited,
    InvalidPasskey,
}

/// <summary>How a sign-in went; <paramref name="Method"/> is its RFC 8176 <c>amr</c> values ("pwd", "pwd otp", "hwk mfa"...).</summary>
public sealed record SignInResult(SignInOutcome Outcome, User? User = null, string? Ticket = null, string? Method = null, bool HasPasskey = false);

/// <summary>
/// The console's sign-in checks, with the API's rules: the same password hashing (a hash even for an unknown email),
/// the same lockout counter (a wrong password or code here counts toward the API's lockout and vice versa), the same
/// per-IP and per-email rate limits. Only <c>admin</c> and <c>moderator</c> accounts get in. Between the password and
/// the second step (a TOTP code, or a passkey when the account has one) the account is carried in a signed, five-minute
/// ticket, never the password. A passkey alone also signs in (ConsoleSignIn.Passkeys.cs).
/// </summary>
public sealed partial class ConsoleSignIn(
    SpotlightDb db, PasswordHashing hashing, Lockout lockout, TwoFactor twoFactor, RateLimits limiter, AuditLog audit, IdentityMetrics metrics,
    IDataProtectionProvider protection, TimeProvider time, PasskeyCeremonies passkeys, AccountBans bans)
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _tickets = protection.CreateProtector("Spotlight.Admin.SignInTicket").ToTimeLimitedDataProtector();

    public async Task<SignInResult> CheckPasswordAsync(string email, string password, HttpContext http)
    {
        var normalizedEmail = AccountRules.NormalizeEmail(email);
        if (!(await limiter.HitPolicyAsync("login", "ip:" + RateLimits.ClientIp(http), http.RequestAborted)).Allowed
            || !(await limiter.HitPolicyAsync("login-email", normalizedEmail, http.RequestAborted)).Allowed)
        {
            return new SignInResult(SignInOutcome.RateLimited);
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, http.RequestAborted);
        var locked = user is not null && lockout.IsLockedOut(user);
        var verdict = await hashing.VerifyAsync(user, password, http.RequestAborted);
        if (verdict is null)
        {
            return new SignInResult(SignInOutcome.Busy);
        }

        if (user is null || locked || verdict == PasswordVerificationResult.Failed)
        {
            if (user is null)
            {
                await audit.WriteAsync(db, "admin.sign_in_failed", details: new { reason = "unknown_email" });
            }
            else if (locked)
            {
                await audit.WriteAsync(db, "admin.sign_in_failed", "user", user.Id.ToString(), new { reason = "locked_out" }, actorId: user.Id);
            }
            else
            {
                await lockout.RecordFailureAsync(db, user, "wrong_password");
            }

            metrics.Login(locked ? "locked_out" : "invalid_credentials");
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        // A passkey is a second factor as much as TOTP is: an account with either is asked for one after its password.
        var hasPasskey = await HasPasskeyAsync(user.Id, http.RequestAborted);
        if (user.TwoFactorEnabled || hasPasskey)
        {
            return new SignInResult(SignInOutcome.TwoFactorRequired, user, _tickets.Protect($"{user.Id}|{TokenService.StampHash(user.SecurityStamp)}", TicketLifetime),
                HasPasskey: hasPasskey);
        }

        return await FinishAsync(user, "pwd");
    }

    public async Task<SignInResult> CheckCodeAsync(string ticket, string code, HttpContext http)
    {
        if (await TicketUserAsync(ticket, http) is not { } user)
        {
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        if (!user.TwoFactorEnabled || !await twoFactor.VerifyLoginCodeAsync(user, code))
        {
            await lockout.RecordFailureAsync(db, user, "wrong_totp");
            metrics.Login("invalid_totp");
            var lockedNow = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync(http.RequestAborted) > time.GetUtcNow();
            return new SignInResult(lockedNow ? SignInOutcome.InvalidCredentials : SignInOutcome.InvalidCode, user, ticket,
                HasPasskey: await HasPasskeyAsync(user.Id, http.RequestAborted));
        }

        return await FinishAsync(user, string.Join(' ', TwoFactor.AmrFor(code)));
    }

    private (Guid UserId, string Stamp)? ReadTicket(string ticket)
    {
        try
        {
            var parts = _tickets.Unprotect(ticket).Split('|');
            return parts.Length == 2 && Guid.TryParse(parts[0], out var id) ? (id, parts[1]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private async Task<SignInResult> FinishAsync(User user, string method)
    {
        if (await bans.IsBannedAsync(db, user))
        {
            await audit.WriteAsync(db, "admin.sign_in_failed", "user", user.Id.ToString(), new { reason = "banned" }, actorId: user.Id);
            return new SignInResult(SignInOutcome.Banned, user);
        }

        if (!user.IsInRole(Role.Admin) && !user.IsInRole(Role.Moderator))
        {
            await audit.WriteAsync(db, "admin.sign_in_failed", "user", user.Id.ToString(), new { reason = "not_staff" }, actorId: user.Id);
            return new SignInResult(SignInOutcome.NotStaff, user);
        }

        await lockout.ResetAsync(db, user);
        await audit.WriteAsync(db, "admin.signed_in", "user", user.Id.ToString(), new { twoFactor = user.TwoFactorEnabled, method }, actorId: user.Id);
        metrics.Login("success");
        return new SignInResult(SignInOutcome.SignedIn, user, Method: method, HasPasskey: method.Contains("hwk", StringComparison.Ordinal) || await HasPasskeyAsync(user.Id, default));
    }
}
