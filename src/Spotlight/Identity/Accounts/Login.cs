using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity.Accounts;

public sealed record LoginRequest(string? Email, string? Password, string? TotpCode);

/// <summary>
/// Every refusal that could tell an attacker something (unknown email, wrong password, locked account) is the same 401
/// <c>invalid_credentials</c>, and each costs one password hash, so neither the body nor the time tells them apart.
/// </summary>
public sealed class Login(SpotlightDb db, PasswordCheck passwords, TwoFactor twoFactor, TokenService tokens, RateLimits limiter, AccountBans bans)
{
    /// <param name="http">The request: the per-email limit answers with its rate-limit headers, and the session records the device.</param>
    public async Task<Outcome<TokenResponse>> HandleAsync(LoginRequest request, HttpContext http)
    {
        var (lockout, audit, metrics) = (passwords.Lockout, passwords.Audit, passwords.Metrics);
        var errors = new FieldErrors().Required("email", request.Email).Required("password", request.Password)
            .MaxLength("email", request.Email, AccountRules.EmailMaxLength).MaxLength("password", request.Password, PasswordPolicy.MaximumLength);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var normalizedEmail = AccountRules.NormalizeEmail(request.Email);
        // Per email as well as per IP: one account cannot be brute-forced from many addresses.
        var perEmail = await limiter.HitPolicyAsync("login-email", normalizedEmail, http.RequestAborted);
        if (!perEmail.Allowed)
        {
            return IdentityRefusals.Throttled(limiter, http, perEmail, "login-email");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail);
        var verdict = await passwords.CheckSignInAsync(db, user, request.Password!, "auth.login_failed", http.RequestAborted);
        if (verdict is null)
        {
            return IdentityRefusals.Busy;
        }

        if (verdict == PasswordVerificationResult.Failed)
        {
            return InvalidCredentials();
        }

        if (user!.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TotpCode))
            {
                metrics.Login("totp_required");
                return IdentityRefusals.Unauthorized("totp_required", "This account uses two-factor authentication: send totpCode (or a recovery code).");
            }

            if (!await twoFactor.VerifyLoginCodeAsync(user, request.TotpCode))
            {
                await lockout.RecordFailureAsync(db, user, "wrong_totp");
                metrics.Login("invalid_totp");
                return IdentityRefusals.Unauthorized("invalid_totp", "The two-factor code is wrong or expired.");
            }
        }

        if (await bans.IsBannedAsync(db, user, http.RequestAborted))
        {
            await audit.WriteAsync(db, "auth.login_failed", "user", user.Id.ToString(), new { reason = "banned" }, actorId: user.Id);
            metrics.Login("banned");
            return Refusal.Forbidden("account_banned", "This account is suspended.");
        }

        await lockout.ResetAsync(db, user);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The iteration setting went up since this hash was made: store a hash at today's cost.
            var rehashed = passwords.Hasher.HashPassword(user, request.Password!);
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, rehashed));
        }

        audit.Add(db, "auth.login_succeeded", "user", user.Id.ToString(), actorId: user.Id);
        metrics.Login("success");
        return await tokens.StartSessionAsync(db, user, http.UserAgent(), http.ClientIp(),
            user.TwoFactorEnabled ? TwoFactor.AmrFor(request.TotpCode!) : AuthenticationMethods.PasswordOnly);
    }

    private static Refusal InvalidCredentials() =>
        IdentityRefusals.Unauthorized("invalid_credentials", "The email or password is wrong.");
}
