using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Email;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Identity.Accounts;

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record VerifyEmailRequest(string? Token);

internal static class PasswordApi
{
    /// <summary>
    /// 202 whatever the email: the lookup and the mail happen in a background job, so neither the answer nor its
    /// timing says whether an account exists.
    /// </summary>
    public static async Task<Results<Accepted, ValidationProblem>> Forgot(ForgotPasswordRequest request, SpotlightDb db, AccountEmails emails)
    {
        var errors = new FieldErrors();
        AccountRules.CheckEmail(errors, "email", request.Email);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        emails.QueuePasswordReset(db, AccountRules.NormalizeEmail(request.Email));
        await db.SaveChangesAsync();
        emails.Wake();
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Reset(
        ResetPasswordRequest request, SpotlightDb db, PasswordPolicy policy, PasswordHashing hashing, SessionRevoker sessions,
        AuditLog audit, TimeProvider time, HttpContext http)
    {
        var errors = new FieldErrors().Required("token", request.Token);
        policy.Check(errors, "newPassword", request.NewPassword, null, null);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await OneTimeToken.RedeemAsync(db, request.Token, OneTimeToken.PasswordReset, time.GetUtcNow().UtcDateTime);
        if (user is null)
        {
            return InvalidResetToken();
        }

        var policyErrors = new FieldErrors();
        policy.Check(policyErrors, "newPassword", request.NewPassword, user.Email, user.Handle);
        if (policyErrors.Any)
        {
            return policyErrors.ToProblem();
        }

        var hash = await hashing.HashAsync(user, request.NewPassword!, http.RequestAborted);
        if (hash is null)
        {
            return Register.Busy(http);
        }

        // Only if the stamp the token was bound to is still the account's: of two reset links used at once, one wins.
        var issuedStamp = user.SecurityStamp;
        var newStamp = Guid.NewGuid().ToString("N");
        var changed = await db.Users.Where(u => u.Id == user.Id && u.SecurityStamp == issuedStamp).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.PasswordHash, hash)
            .SetProperty(u => u.SecurityStamp, newStamp)
            .SetProperty(u => u.AccessFailedCount, 0)
            .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null));
        if (changed == 0)
        {
            return InvalidResetToken();
        }

        audit.Add(db, "auth.password_reset", "user", user.Id.ToString(), actorId: user.Id);
        await db.SaveChangesAsync();
        await sessions.RevokeAllAsync(db, user.Id, "password_reset");
        await transaction.CommitAsync();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Needs the current password, counted toward the login lockout (a stolen access token must not buy unlimited
    /// guesses; while locked even the right password gets the wrong-password answer). Ends every other session; the
    /// caller's keeps going (its access tokens run to their expiry, its refresh token gives tokens under the new stamp).
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Change(
        ChangePasswordRequest request, ClaimsPrincipal caller, SpotlightDb db, PasswordPolicy policy, PasswordHashing hashing,
        Lockout lockout, SessionRevoker sessions, AuditLog audit, HttpContext http)
    {
        var id = caller.UserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return ApiProblem.NotFound();
        }

        var errors = new FieldErrors().Required("currentPassword", request.CurrentPassword).MaxLength("currentPassword", request.CurrentPassword, PasswordPolicy.MaximumLength);
        policy.Check(errors, "newPassword", request.NewPassword, user.Email, user.Handle);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var locked = lockout.IsLockedOut(user);
        var verdict = await hashing.VerifyAsync(user, request.CurrentPassword!, http.RequestAborted);
        if (verdict is null)
        {
            return Register.Busy(http);
        }

        if (locked || verdict == PasswordVerificationResult.Failed)
        {
            if (!locked)
            {
                await lockout.RecordFailureAsync(db, user, "wrong_current_password");
            }

            return ApiProblem.Validation("currentPassword", "The current password is wrong.");
        }

        user.PasswordHash = await hashing.HashAsync(user, request.NewPassword!, http.RequestAborted);
        if (user.PasswordHash is null)
        {
            return Register.Busy(http);
        }

        var previousStamp = user.SecurityStamp;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.AccessFailedCount = 0;
        audit.Add(db, "auth.password_changed", "user", user.Id.ToString());
        await db.SaveChangesAsync();
        await sessions.RevokeOthersAsync(db, user.Id, caller.SessionId(), previousStamp, "password_changed");
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult InvalidResetToken() =>
        ApiProblem.Create(400, "invalid_token", "This reset link is invalid, used or expired. Ask for a new one.");

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VerifyEmail(
        VerifyEmailRequest request, SpotlightDb db, AuditLog audit, TimeProvider time)
    {
        var errors = new FieldErrors().Required("token", request.Token);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var userId = (await OneTimeToken.RedeemAsync(db, request.Token, OneTimeToken.EmailVerification, time.GetUtcNow().UtcDateTime))?.Id;
        if (userId is null)
        {
            return ApiProblem.Create(400, "invalid_token", "This verification link is invalid, used or expired. Ask for a new one.");
        }

        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, true));
        await audit.WriteAsync(db, "auth.email_verified", "user", userId.Value.ToString(), actorId: userId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> ResendVerification(ClaimsPrincipal caller, SpotlightDb db, AccountEmails emails)
    {
        var id = caller.UserId();
        var verified = await db.Users.Where(u => u.Id == id).Select(u => (bool?)u.EmailConfirmed).SingleOrDefaultAsync();
        if (verified is null)
        {
            return ApiProblem.NotFound();
        }

        if (verified.Value)
        {
            return ApiProblem.Conflict("email_already_verified", "Your email address is already verified.");
        }

        emails.QueueVerification(db, id);
        await db.SaveChangesAsync();
        emails.Wake();
        return TypedResults.Accepted((string?)null);
    }
}
