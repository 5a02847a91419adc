using System.Net.Mail;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

/// <summary>Rules for handles and emails, checked at the edge.</summary>
public static class AccountRules
{
    public const int EmailMaxLength = 254;

    /// <summary>Handles nobody may take: they read as the platform speaking.</summary>
    public static readonly HashSet<string> ReservedHandles = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "api", "support", "help", "root", "system", "spotlight", "staff", "moderator", "mod",
        "official", "security", "billing", "payments", "wallet", "me", "null", "undefined", "www", "mail", "abuse", "noreply",
    };

    public static string NormalizeHandle(string? handle) => (handle ?? "").Trim().ToLowerInvariant();

    public static string NormalizeEmail(string? email) => (email ?? "").Trim().ToUpperInvariant();

    public static void CheckHandle(FieldErrors errors, string field, string handle)
    {
        if (handle.Length is < 3 or > 30)
        {
            errors.Add(field, "Use 3 to 30 characters.");
        }

        foreach (var c in handle)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                errors.Add(field, "Use only lowercase letters, digits and underscores.");
                break;
            }
        }

        if (ReservedHandles.Contains(handle))
        {
            errors.Add(field, "This handle is reserved.");
        }
    }

    public static void CheckEmail(FieldErrors errors, string field, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add(field, "This field is required.");
            return;
        }

        var trimmed = email.Trim();
        if (trimmed.Length > EmailMaxLength || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !trimmed.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(field, "Enter a valid email address.");
        }
    }
}
