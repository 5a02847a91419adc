namespace Spotlight.Identity.Tokens;

/// <summary>
/// How a user signed in, as the <c>amr</c> claim of RFC 8176 says it (a JSON array in access tokens). A session stores
/// the list it started with, so tokens refreshed from it say the same; routes that need a second factor look for <c>mfa</c>.
/// </summary>
public static class AuthenticationMethods
{
    public const string Claim = "amr";
    public const string Password = "pwd";
    public const string OneTimePassword = "otp";
    public const string RecoveryCode = "rc";
    public const string HardwareKey = "hwk";
    public const string MultiFactor = "mfa";

    public static readonly IReadOnlyList<string> PasswordOnly = [Password];
    public static readonly IReadOnlyList<string> PasswordAndTotp = [Password, OneTimePassword, MultiFactor];
    public static readonly IReadOnlyList<string> PasswordAndRecoveryCode = [Password, RecoveryCode, MultiFactor];

    /// <summary>The session column's form: the values separated by spaces.</summary>
    public static string Store(IEnumerable<string> methods) => string.Join(' ', methods);

    public static IReadOnlyList<string> Read(string? stored) =>
        string.IsNullOrWhiteSpace(stored) ? [] : stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool IsMultiFactor(IEnumerable<string> methods) => methods.Contains(MultiFactor, StringComparer.Ordinal);
}
