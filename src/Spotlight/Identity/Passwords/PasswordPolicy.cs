using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passwords;

/// <summary>
/// At least 10 characters; not one of the 10,000 most common passwords (SecLists, shipped as data); not containing the
/// handle or the email's local part; and at least "safely unguessable" to zxcvbn (score 3 of 4), because the list holds
/// few long passwords (<c>password123</c>, <c>qwertyuiop1</c> are not on it).
/// </summary>
public sealed class PasswordPolicy
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;

    /// <summary>zxcvbn's "safely unguessable: moderate protection from offline slow-hash scenario" (under 10^10 guesses refused).</summary>
    public const int MinimumScore = 3;

    /// <summary>zxcvbn's matching grows with length; past this many characters the rest adds no weakness worth the CPU.</summary>
    private const int EstimatedPrefix = 64;
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
        var containsPersonal = false;
        if (!string.IsNullOrEmpty(local) && local.Length >= 3 && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "The password must not contain your email address.");
            containsPersonal = true;
        }

        if (!string.IsNullOrEmpty(handle) && handle.Length >= 3 && password.Contains(handle, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "The password must not contain your handle.");
            containsPersonal = true;
        }

        if (!containsPersonal && password.Length is >= MinimumLength and <= MaximumLength && !_common.Contains(password))
        {
            string[] personal = [.. new[] { local, handle, email }.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
            var score = Zxcvbn.Zxcvbn.MatchPassword(password.Length > EstimatedPrefix ? password[..EstimatedPrefix] : password, personal).Score;
            if (score < MinimumScore)
            {
                errors.Add(field, "This password is too easy to guess (a common word, name, keyboard pattern or sequence with small changes). Use a longer passphrase of unrelated words.");
            }
        }
    }
}
