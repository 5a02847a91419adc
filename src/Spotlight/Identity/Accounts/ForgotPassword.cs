using Spotlight.Data;
using Spotlight.Identity.Email;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

public sealed record ForgotPasswordRequest(string? Email);

/// <summary>
/// <c>POST /auth/password/forgot</c>: accepted whatever the email; the lookup and the mail happen in a background job, so
/// neither the answer nor its timing says whether an account exists.
/// </summary>
public sealed class ForgotPassword(SpotlightDb db, AccountEmails emails)
{
    public async Task<Refusal?> HandleAsync(ForgotPasswordRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        AccountRules.CheckEmail(errors, "email", request.Email);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        emails.QueuePasswordReset(db, AccountRules.NormalizeEmail(request.Email));
        await db.SaveChangesAsync(cancellationToken);
        emails.Wake();
        return null;
    }
}
