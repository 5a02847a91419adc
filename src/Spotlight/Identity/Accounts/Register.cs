using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Email;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Identity.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? Handle, string? DisplayName);

/// <summary><c>POST /auth/register</c>: a new account (unverified email, a verification email queued) and its first session.</summary>
public sealed class Register(SpotlightDb db, PasswordPolicy policy, PasswordCheck passwords, TokenService tokens, AccountEmails emails, DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<TokenResponse>> HandleAsync(RegisterRequest request, SignInClient client, CancellationToken cancellationToken)
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
            return errors.ToRefusal();
        }

        var normalizedEmail = AccountRules.NormalizeEmail(email);
        var normalizedHandle = handle.ToUpperInvariant();
        if (await TakenAsync(normalizedEmail, normalizedHandle) is { } taken)
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
        user.PasswordHash = await passwords.Hashing.HashAsync(user, request.Password!, cancellationToken);
        if (user.PasswordHash is null)
        {
            return IdentityRefusals.Busy;
        }

        db.Users.Add(user);
        passwords.Audit.Add(db, "user.registered", "user", user.Id.ToString(), new { handle }, actorId: user.Id);
        emails.QueueVerification(db, user.Id);
        events.Raise(db, new UserRegistered(user.Id, handle, user.CreatedAt)); // integrators' webhooks: user.registered
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two registrations raced for the same email or handle; the unique indexes let only one in.
            db.ChangeTracker.Clear();
            return await TakenAsync(normalizedEmail, normalizedHandle) ?? throw new InvalidOperationException("Registration failed without a conflict.");
        }

        emails.Wake();
        passwords.Metrics.Registrations.Add(1);
        return await tokens.StartSessionAsync(db, user, client.UserAgent, client.Ip, AuthenticationMethods.PasswordOnly);
    }

    private async Task<Refusal?> TakenAsync(string normalizedEmail, string normalizedHandle)
    {
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail))
        {
            return Refusal.Conflict("email_taken", "An account with this email already exists.");
        }

        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalizedHandle))
        {
            return Refusal.Conflict("handle_taken", "This handle is taken.");
        }

        return null;
    }
}
