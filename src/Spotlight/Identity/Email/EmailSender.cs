using System.Net;
using System.Net.Mail;
using Microsoft.Extensions.Options;
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

/// <summary>What <c>Email:Sender</c> chose at start-up.</summary>
internal enum EmailSenderKind
{
    /// <summary>SMTP whenever a host is set (configuration or the admin console), read at each message; files until then.</summary>
    Smtp,

    /// <summary>Always files under the data directory (chosen explicitly, or outside Production without a host).</summary>
    File,
}

/// <summary>
/// <c>Email:Sender</c>: <c>smtp</c> or <c>file</c>. Unset, SMTP is used when a host is set, else files; but in Production
/// files (live reset tokens on disk) are used only when chosen explicitly. <c>smtp</c> without a configured host is
/// accepted: the host may be saved in the admin console, and mail waits (its jobs retry) until it is.
/// </summary>
internal static class EmailSenders
{
    public const string Setting = "Email:Sender";

    /// <summary>The sender to use; refuses to start on a choice that cannot work.</summary>
    public static EmailSenderKind Choose(IConfiguration configuration, IHostEnvironment environment)
    {
        var smtp = configuration.ReadSettings<SmtpOptions>(SmtpOptions.Section);
        var hasHost = !string.IsNullOrWhiteSpace(smtp.Host);
        switch (configuration[Setting]?.Trim().ToLowerInvariant())
        {
            case "file":
                return EmailSenderKind.File;
            case "smtp":
                return EmailSenderKind.Smtp;
            case null or "":
                if (hasHost)
                {
                    return EmailSenderKind.Smtp;
                }

                return environment.IsProduction()
                    ? throw new StartupRefusedException(
                        $"No email sender in Production: set {SmtpOptions.Section}:Host (and the other {SmtpOptions.Section}:* settings), " +
                        $"or {Setting}=smtp to save the SMTP server in the admin console, " +
                        $"or {Setting}=file to write mail under the data directory (its files hold live password-reset tokens).")
                    : EmailSenderKind.Smtp; // files until a host is saved in the console or configured
            default:
                throw new StartupRefusedException($"{Setting} must be 'smtp' or 'file', not '{configuration[Setting]}'.");
        }
    }
}

/// <summary>
/// SMTP when a host is set (admin console's email settings, else <c>Email:Smtp</c>), at the time of sending; without one,
/// files outside Production, and in Production a failure (the job retries) rather than reset tokens written to disk.
/// </summary>
internal sealed class ConfiguredEmailSender(IOptionsMonitor<SmtpOptions> smtp, SmtpEmailSender smtpSender, FileEmailSender fileSender, IHostEnvironment environment) : IEmailSender
{
    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(smtp.CurrentValue.Host))
        {
            return smtpSender.SendAsync(message, cancellationToken);
        }

        return environment.IsProduction()
            ? throw new InvalidOperationException($"No SMTP host: set {SmtpOptions.Section}:Host or the SMTP host in the admin console's email settings.")
            : fileSender.SendAsync(message, cancellationToken);
    }
}

/// <summary>Production: plain SMTP with STARTTLS, configured under <c>Email:Smtp</c> or in the console, read at each message.</summary>
internal sealed class SmtpEmailSender(IOptionsMonitor<SmtpOptions> monitor) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var options = monitor.CurrentValue;
        using var client = new SmtpClient(options.Host, options.Port) { EnableSsl = options.EnableSsl };
        if (!string.IsNullOrEmpty(options.User))
        {
            client.Credentials = new NetworkCredential(options.User, options.Password);
        }

        using var mail = new MailMessage(options.From, message.To, message.Subject, message.Body);
        await client.SendMailAsync(mail, cancellationToken);
    }
}
