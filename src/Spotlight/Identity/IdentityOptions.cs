namespace Spotlight.Identity;

/// <summary><c>Identity:*</c> and <c>Jwt:*</c> settings.</summary>
public sealed class SpotlightIdentityOptions
{
    public const string Section = "Identity";

    /// <summary>PBKDF2-HMAC-SHA512 iterations (OWASP Password Storage Cheat Sheet: 210,000 or more; we use 220,000).</summary>
    public int PasswordHashIterations { get; set; } = 220_000;

    /// <summary>Password hashes computed at once; more callers queue, and past the queue get 429. Default: the core count.</summary>
    public int PasswordHashConcurrency { get; set; } = Environment.ProcessorCount;

    public int PasswordHashQueue { get; set; } = 256;

    /// <summary>Linux nice value (0–19) of the password-hash threads: higher yields the CPU to request threads first.</summary>
    public int PasswordHashNice { get; set; } = 10;

    public int MaxFailedLogins { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public int EmailTokenHours { get; set; } = 24;

    public int PasswordResetTokenMinutes { get; set; } = 60;

    /// <summary>The issuer name authenticator apps show next to the account.</summary>
    public string TotpIssuer { get; set; } = "Spotlight";

    /// <summary>Where links in emails point (the client app), e.g. <c>https://app.example.com</c>.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    public string Issuer { get; set; } = "spotlight";

    public string Audience { get; set; } = "spotlight-api";

    public int AccessTokenMinutes { get; set; } = 15;

    public int RefreshTokenDays { get; set; } = 30;

    public int ClockSkewSeconds { get; set; } = 30;
}
