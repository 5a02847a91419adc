using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Email;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Identity.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? Handle, string? DisplayName);

internal static class Register
{
    public static async Task<Results<Created<TokenResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        RegisterRequest request, SpotlightDb db, PasswordPolicy policy, PasswordHashing hashing, TokenService tokens,
        AccountEmails emails, AuditLog audit, IdentityMetrics metrics, TimeProvider time, HttpContext http)
    {
        var handle = AccountRules.NormalizeHandle(request.Handle);
        var email = AccountRules.CanonicalEmail(request.Email);
        var errors = new FieldErrors();
        AccountRules.CheckEmail(errors, "email", email);
        if (string.IsNullOrEmpty(handle))
        {
            errors.Add("handle", "This field is required.");
        }
        else
        {
            AccountRules.CheckHandle(errors, "handle", handle);
        }

        errors.MaxLength("displayName", request.DisplayName, 50);
        policy.Check(errors, "password", request.Password, email, handle);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var normalizedEmail = AccountRules.NormalizeEmail(email);
        var normalizedHandle = handle.ToUpperInvariant();
        if (await Taken(db, normalizedEmail, normalizedHandle) is { } taken)
        {
            return taken;
        }

        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = email,
            NormalizedEmail = normalizedEmail,
            UserName = handle,
            NormalizedUserName = normalizedHandle,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = await hashing.HashAsync(user, request.Password!, http.RequestAborted);
        if (user.PasswordHash is null)
        {
            return Busy(http);
        }

        db.Users.Add(user);
        audit.Add(db, "user.registered", "user", user.Id.ToString(), new { handle }, actorId: user.Id);
        emails.QueueVerification(db, user.Id);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Two registrations raced for the same email or handle; the unique indexes let only one in.
            db.ChangeTracker.Clear();
            return await Taken(db, normalizedEmail, normalizedHandle) ?? throw new InvalidOperationException("Registration failed without a conflict.");
        }

        emails.Wake();
        metrics.Registrations.Add(1);
        var response = await tokens.StartSessionAsync(db, user, http.UserAgent(), http.ClientIp(), AuthenticationMethods.PasswordOnly);
        return TypedResults.Created("/api/v1/me", response);
    }

    private static async Task<ProblemHttpResult?> Taken(SpotlightDb db, string normalizedEmail, string normalizedHandle)
    {
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail))
        {
            return ApiProblem.Conflict("email_taken", "An account with this email already exists.");
        }

        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalizedHandle))
        {
            return ApiProblem.Conflict("handle_taken", "This handle is taken.");
        }

        return null;
    }

    internal static ProblemHttpResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return ApiProblem.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "The server is busy checking passwords. Retry in a second.");
    }
}
