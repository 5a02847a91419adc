using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Platform.Errors;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity.Staff;

/// <summary>
/// The console's password step, with the API's rules: the same password hashing (a hash even for an unknown email), the
/// same lockout counter (a wrong password or code here counts toward the API's lockout and vice versa), the same per-IP
/// and per-email rate limits. An account with TOTP or a passkey is asked for it next (a ticket carries it there).
/// </summary>
public sealed class StaffPasswordSignIn(SpotlightDb db, PasswordCheck passwords, RateLimits limiter, StaffSignInTickets tickets, StaffSignInFinish finish)
{
    public async Task<Outcome<StaffSignInStep>> HandleAsync(string email, string password, HttpContext http)
    {
        var normalizedEmail = AccountRules.NormalizeEmail(email);
        if (!(await limiter.HitPolicyAsync("login", "ip:" + RateLimits.ClientIp(http), http.RequestAborted)).Allowed
            || !(await limiter.HitPolicyAsync("login-email", normalizedEmail, http.RequestAborted)).Allowed)
        {
            return StaffSignInRefusals.RateLimited;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, http.RequestAborted);
        var verdict = await passwords.CheckSignInAsync(db, user, password, "admin.sign_in_failed", http.RequestAborted);
        if (verdict is null)
        {
            return StaffSignInRefusals.Busy;
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            return StaffSignInRefusals.InvalidCredentials;
        }

        // A passkey is a second factor as much as TOTP is: an account with either is asked for one after its password.
        var hasPasskey = await tickets.HasPasskeyAsync(user!.Id, http.RequestAborted);
        if (user.TwoFactorEnabled || hasPasskey)
        {
            return new StaffSignInStep(StaffAccount.From(user), tickets.Issue(user), null, hasPasskey);
        }

        return await finish.FinishAsync(user, "pwd", http.RequestAborted);
    }
}
