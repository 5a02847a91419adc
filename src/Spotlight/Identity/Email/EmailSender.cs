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

/// <summary>SMTP when a host is set (admin console's email settings, else <c>Email:Smtp</c>), at the time of sending; else files.</summary>
internal sealed class ConfiguredEmailSender(IOptionsMonitor<SmtpOptions> smtp, SmtpEmailSender smtpSender, FileEmailSender fileSender) : IEmailSender
{
    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(smtp.CurrentValue.Host) ? fileSender.SendAsync(message, cancellationToken) : smtpSender.SendAsync(message, cancellationToken);
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
