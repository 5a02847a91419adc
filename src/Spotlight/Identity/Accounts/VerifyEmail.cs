using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Email;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

public sealed record VerifyEmailRequest(string? Token);

/// <summary><c>POST /auth/email/verify</c>: confirms the email address with the emailed token.</summary>
public sealed class VerifyEmail(SpotlightDb db, AuditLog audit, TimeProvider time)
{
    public async Task<Refusal?> HandleAsync(VerifyEmailRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("token", request.Token);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var userId = (await OneTimeToken.RedeemAsync(db, request.Token, OneTimeToken.EmailVerification, time.GetUtcNow().UtcDateTime))?.Id;
        if (userId is null)
        {
            return IdentityRefusals.BadRequest("invalid_token", "This verification link is invalid, used or expired. Ask for a new one.");
        }

        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.EmailConfirmed, true), cancellationToken);
        await audit.WriteAsync(db, "auth.email_verified", "user", userId.Value.ToString(), actorId: userId);
        return null;
    }
}

/// <summary><c>POST /auth/email/verify/resend</c>: sends the verification email again (409 when the address is verified).</summary>
public sealed class ResendVerification(SpotlightDb db, AccountEmails emails)
{
    public async Task<Refusal?> HandleAsync(Guid userId, CancellationToken cancellationToken)
    {
        var verified = await db.Users.Where(u => u.Id == userId).Select(u => (bool?)u.EmailConfirmed).SingleOrDefaultAsync(cancellationToken);
        if (verified is null)
        {
            return IdentityRefusals.NoSuchAccount;
        }

        if (verified.Value)
        {
            return Refusal.Conflict("email_already_verified", "Your email address is already verified.");
        }

        emails.QueueVerification(db, userId);
        await db.SaveChangesAsync(cancellationToken);
        emails.Wake();
        return null;
    }
}
