using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passwords;

/// <summary>
/// At least 10 characters; not one of the 10,000 most common passwords (SecLists, shipped as data);
/// not containing the handle or the email's local part.
/// </summary>
public sealed class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;
    private readonly HashSet<string> _common;

    public PasswordPolicy(IHostEnvironment environment)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Identity", "Data", "common-passwords-10k.txt");
        if (!File.Exists(file))
        {
            file = Path.Combine(environment.ContentRootPath, "Identity", "Data", "common-passwords-10k.txt");
        }

        _common = new HashSet<string>(File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0), StringComparer.OrdinalIgnoreCase);
    }

    public int CommonCount => _common.Count;

    public void Check(FieldErrors errors, string field, string? password, string? email, string? handle)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(field, "This field is required.");
            return;
        }

        if (password.Length < MinimumLength)
        {
            errors.Add(field, $"Use at least {MinimumLength} characters.");
        }

        if (password.Length > MaximumLength)
        {
            errors.Add(field, $"Use at most {MaximumLength} characters.");
        }

        if (_common.Contains(password))
        {
            errors.Add(field, "This password is one of the most common passwords; choose another.");
        }

        var local = email?.Split('@')[0];
        if (!string.IsNullOrEmpty(local) && local.Length >= 3 && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "The password must not contain your email address.");
        }

        if (!string.IsNullOrEmpty(handle) && handle.Length >= 3 && password.Contains(handle, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "The password must not contain your handle.");
        }
    }
}
