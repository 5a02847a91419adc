using System.Net;
using System.Net.Mail;
using Spotlight.Platform;

namespace Spotlight.Identity.Email;

public sealed record EmailMessage(string To, string Subject, string Body);

/// <summary>Sends account email (verification, password reset).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Development: writes each email as a file under <c>{data}/mail</c> and logs the path (never the body: it holds a token).</summary>
internal sealed class FileEmailSender(DataDirectory dataDirectory, TimeProvider time, ILogger<FileEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var folder = dataDirectory.Combine("mail");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.CreateVersion7():N}.eml");
        await File.WriteAllTextAsync(file, $"To: {message.To}\nSubject: {message.Subject}\n\n{message.Body}\n", cancellationToken);
        logger.LogInformation("Email written to {File}", file);
    }
}

public sealed class SmtpOptions
{
    public const string Section = "Email:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? User { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "no-reply@localhost";

    public bool EnableSsl { get; set; } = true;
}

/// <summary>
/// <c>Email:Sender</c>: <c>smtp</c> (needs <c>Email:Smtp:Host</c>) or <c>file</c>. Unset, SMTP is used when a host is
/// set, else files; but in Production files (live reset tokens on disk) are used only when chosen explicitly.
/// </summary>
internal static class EmailSenders
{
    public const string Setting = "Email:Sender";

    /// <summary>The SMTP settings to send with, or null for the file sender; refuses to start on a choice that cannot work.</summary>
    public static SmtpOptions? Choose(IConfiguration configuration, IHostEnvironment environment)
    {
        var smtp = configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>() ?? new SmtpOptions();
        var hasHost = !string.IsNullOrWhiteSpace(smtp.Host);
        switch (configuration[Setting]?.Trim().ToLowerInvariant())
        {
            case "file":
                return null;
            case "smtp":
                return hasHost ? smtp : throw new StartupRefusedException($"{Setting} is 'smtp' but {SmtpOptions.Section}:Host is not set.");
            case null or "":
                if (hasHost)
                {
                    return smtp;
                }

                return environment.IsProduction()
                    ? throw new StartupRefusedException(
                        $"No email sender in Production: set {SmtpOptions.Section}:Host (and the other {SmtpOptions.Section}:* settings), " +
                        $"or {Setting}=file to write mail under the data directory (its files hold live password-reset tokens).")
                    : null;
            default:
                throw new StartupRefusedException($"{Setting} must be 'smtp' or 'file', not '{configuration[Setting]}'.");
        }
    }
}

/// <summary>Production: plain SMTP with STARTTLS, configured under <c>Email:Smtp</c>.</summary>
internal sealed class SmtpEmailSender(SmtpOptions options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient(options.Host, options.Port) { EnableSsl = options.EnableSsl };
        if (!string.IsNullOrEmpty(options.User))
        {
            client.Credentials = new NetworkCredential(options.User, options.Password);
        }

        using var mail = new MailMessage(options.From, message.To, message.Subject, message.Body);
        await client.SendMailAsync(mail, cancellationToken);
    }
}
