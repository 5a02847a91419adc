using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Platform.Jobs;

namespace Spotlight.Identity.Email;

/// <summary>
/// Account mail goes out from background jobs: the request only records the job (in its own transaction), a slow or
/// failing mail server never slows or fails a request, and failed sends are retried with backoff.
/// </summary>
public sealed class AccountEmails(JobQueue jobs)
{
    public const string VerificationJob = "identity.verification-email";
    public const string PasswordResetJob = "identity.password-reset-email";

    public void QueueVerification(SpotlightDb db, Guid userId) => jobs.Enqueue(db, VerificationJob, userId.ToString());

    public void QueuePasswordReset(SpotlightDb db, string normalizedEmail) => jobs.Enqueue(db, PasswordResetJob, JsonSerializer.Serialize(normalizedEmail));

    public void Wake() => jobs.Wake();
}

internal sealed class VerificationEmailJob(SpotlightDb db, IEmailSender sender, SpotlightIdentityOptions options, TimeProvider time) : IJobHandler
{
    public string Type => AccountEmails.VerificationJob;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(run.Payload!);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user?.Email is null || user.EmailConfirmed)
        {
            return;
        }

        var token = OneTimeToken.Issue(db, user, OneTimeToken.EmailVerification, time.GetUtcNow().UtcDateTime, TimeSpan.FromHours(options.EmailTokenHours));
        await db.SaveChangesAsync(cancellationToken);
        var link = $"{options.PublicBaseUrl.TrimEnd('/')}/verify-email?token={Uri.EscapeDataString(token)}";
        await sender.SendAsync(new EmailMessage(user.Email, "Confirm your email address",
            $"Hello @{user.Handle},\n\nConfirm your email address by opening this link within {options.EmailTokenHours} hours:\n\n{link}\n\n" +
            "If you did not create an account, ignore this message.\n"), cancellationToken);
    }
}

internal sealed class PasswordResetEmailJob(SpotlightDb db, IEmailSender sender, SpotlightIdentityOptions options, TimeProvider time) : IJobHandler
{
    public string Type => AccountEmails.PasswordResetJob;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var normalizedEmail = JsonSerializer.Deserialize<string>(run.Payload!);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken);
        if (user?.Email is null)
        {
            return;
        }

        var token = OneTimeToken.Issue(db, user, OneTimeToken.PasswordReset, time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(options.PasswordResetTokenMinutes));
        await db.SaveChangesAsync(cancellationToken);
        var link = $"{options.PublicBaseUrl.TrimEnd('/')}/reset-password?token={Uri.EscapeDataString(token)}";
        await sender.SendAsync(new EmailMessage(user.Email, "Reset your password",
            $"Hello @{user.Handle},\n\nSomeone asked to reset the password of your account. To choose a new one, open this link within " +
            $"{options.PasswordResetTokenMinutes} minutes:\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n"), cancellationToken);
    }
}
