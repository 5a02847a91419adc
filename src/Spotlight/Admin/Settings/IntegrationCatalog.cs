using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Admin.Settings;

public enum FieldKind
{
    Text,
    Secret,
    Url,
    Host,
    Email,
    WholeNumber,
    Percent,
    OriginList,
    JsonSecret,
}

/// <summary>One setting: its name in the API (camelCase), its label, its kind, and the configuration key it falls back to.</summary>
public sealed record IntegrationField(
    string Name, string Label, FieldKind Kind, string? ConfigurationKey = null, string? Default = null, string? Hint = null,
    int Min = 0, int Max = int.MaxValue, Func<string, string?>? Check = null, bool Rotates = false)
{
    public bool IsSecret => Kind is FieldKind.Secret or FieldKind.JsonSecret;

    public bool IsNumber => Kind is FieldKind.WholeNumber or FieldKind.Percent;
}

public sealed record IntegrationSection(string Name, string Title, string Description, IReadOnlyList<IntegrationField> Fields, bool LiveWithoutRestart)
{
    public IntegrationField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>
/// Every integration setting the console and <c>/api/v1/admin/settings/integrations</c> manage, with its validation.
/// A value stored in the database wins over the configuration key named beside it.
/// </summary>
public static partial class IntegrationCatalog
{
    public const string Payments = "payments";
    public const string LiveKit = "livekit";
    public const string Email = "email";
    public const string Push = "push";
    public const string Sms = "sms";
    public const string Storage = "storage";
    public const string Cors = "cors";
    public const string RateLimits = "rateLimits";
    public const string RevenueSplits = "revenueSplits";

    /// <summary>
    /// Revenue splits by kind of sale: each kind's creator, platform and processor shares add up to 100 %. The fallback
    /// is the wallet's own configuration (<c>Wallet:Splits:{Kind}:{Part}</c>, defaults from <see cref="SplitsOptions"/>),
    /// so the settings page shows what the wallet uses until a value is saved here (the wallet reads the saved value as configuration, see <c>ConfiguredRevenueSplits</c>).
    /// </summary>
    public static readonly (string Kind, string Label, SaleKind Sale)[] SplitKinds =
    [
        ("unlock", "Premium content unlock", SaleKind.PremiumUnlock),
        ("subscription", "Creator subscription", SaleKind.Subscription),
        ("gift", "Gift", SaleKind.Gift),
    ];

    /// <summary>The three fields of a kind of sale: creator, platform, processor.</summary>
    public static (string Creator, string Platform, string Processor) SplitFields(string kind) => (kind + "Creator", kind + "Platform", kind + "Processor");

    public static readonly IReadOnlyList<IntegrationSection> Sections =
    [
        new(Payments, "Payments", "The built-in sandbox provider and Stripe.",
        [
            new("sandboxWebhookSecret", "Sandbox webhook secret", FieldKind.Secret, "Payments:Sandbox:WebhookSecret", Check: MinLength(16), Rotates: true,
                Hint: "Unset: a single node generates one into payments-sandbox.json in its data directory (Spotlight:DataDirectory); several nodes need it set here"),
            new("stripeSecretKey", "Stripe secret key", FieldKind.Secret, "Payments:Stripe:SecretKey", Check: Prefix("sk_", "rk_")),
            new("stripePublishableKey", "Stripe publishable key", FieldKind.Text, "Payments:Stripe:PublishableKey", Check: Prefix("pk_")),
            new("stripeWebhookSecret", "Stripe webhook signing secret", FieldKind.Secret, "Payments:Stripe:WebhookSecret", Check: Prefix("whsec_"), Rotates: true),
        ], LiveWithoutRestart: true),
        new(LiveKit, "LiveKit", "Live video rooms.",
        [
            new("url", "Server URL", FieldKind.Url, "LiveKit:Url", Hint: "wss://… or https://…"),
            new("apiKey", "API key", FieldKind.Text, "LiveKit:ApiKey"),
            new("apiSecret", "API secret", FieldKind.Secret, "LiveKit:ApiSecret", Rotates: true),
        ], LiveWithoutRestart: true),
        new(Email, "Email (SMTP)", "Outgoing mail: verification and password-reset messages. Applies on every node within seconds.",
        [
            new("host", "SMTP host", FieldKind.Host, "Email:Smtp:Host"),
            new("port", "SMTP port", FieldKind.WholeNumber, "Email:Smtp:Port", "587", Min: 1, Max: 65535),
            new("user", "SMTP user", FieldKind.Text, "Email:Smtp:User"),
            new("password", "SMTP password", FieldKind.Secret, "Email:Smtp:Password"),
            new("from", "From address", FieldKind.Email, "Email:Smtp:From"),
        ], LiveWithoutRestart: true),
        new(Push, "Push notifications", "Firebase Cloud Messaging.",
        [
            new("fcmCredentialsJson", "FCM service-account credentials (JSON)", FieldKind.JsonSecret, "Push:Fcm:CredentialsJson"),
        ], LiveWithoutRestart: true),
        new(Sms, "SMS", "Twilio.",
        [
            new("twilioAccountSid", "Twilio account SID", FieldKind.Text, "Sms:Twilio:AccountSid", Check: TwilioSid),
            new("twilioAuthToken", "Twilio auth token", FieldKind.Secret, "Sms:Twilio:AuthToken"),
        ], LiveWithoutRestart: true),
        new(Storage, "Object storage", "Where posts' photos and videos are stored: local disk under the data directory, or an S3-compatible bucket. "
            + "New uploads go to the chosen backend on every node within seconds; earlier ones stay readable where they were written.",
        [
            new("backend", "Backend", FieldKind.Text, "Content:Media:Storage", "local", Hint: "local or s3", Check: StorageBackend),
            new("endpoint", "S3 endpoint", FieldKind.Url, "Content:Media:S3:ServiceUrl", Hint: "e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000"),
            new("bucket", "Bucket", FieldKind.Text, "Content:Media:S3:Bucket", Check: BucketName),
            new("region", "Region", FieldKind.Text, "Content:Media:S3:Region", "us-east-1"),
            new("accessKey", "Access key", FieldKind.Text, "Content:Media:S3:AccessKey"),
            new("secretKey", "Secret key", FieldKind.Secret, "Content:Media:S3:SecretKey"),
        ], LiveWithoutRestart: true),
        new(Cors, "CORS", "Browser origins allowed to call the API. Applies on every node within seconds.",
        [
            new("allowedOrigins", "Allowed origins", FieldKind.OriginList, "Cors:AllowedOrigins", Hint: "One per line, e.g. https://app.example.com"),
        ], LiveWithoutRestart: true),
        new(RateLimits, "Rate limits", "Requests per minute per user by tier, and per IP address for anonymous callers. Admins are not limited. Applies on every node within seconds.",
        [
            new("free", "Tier free", FieldKind.WholeNumber, "RateLimiting:Tiers:free", "300", Min: 1, Max: 10_000_000),
            new("premium", "Tier premium", FieldKind.WholeNumber, "RateLimiting:Tiers:premium", "1200", Min: 1, Max: 10_000_000),
            new("creator", "Tier creator", FieldKind.WholeNumber, "RateLimiting:Tiers:creator", "3000", Min: 1, Max: 10_000_000),
            new("anonymous", "Anonymous (per IP)", FieldKind.WholeNumber, "RateLimiting:Anonymous", "300", Min: 1, Max: 10_000_000),
        ], LiveWithoutRestart: true),
        new(RevenueSplits, "Revenue splits", "Shares of each sale in percent: creator, platform, payment processor. Each kind adds up to 100 %. New sales use a saved split on every node within seconds.",
            [.. SplitKinds.SelectMany(k =>
            {
                var defaults = ConfiguredRevenueSplits.Configured(new SplitsOptions(), k.Sale);
                var key = $"{WalletOptions.Section}:Splits:{k.Sale}";
                return new IntegrationField[]
                {
                    new($"{k.Kind}Creator", $"{k.Label}: creator", FieldKind.Percent, $"{key}:Creator", defaults.Creator.ToString(CultureInfo.InvariantCulture), Max: 100),
                    new($"{k.Kind}Platform", $"{k.Label}: platform", FieldKind.Percent, $"{key}:Platform", defaults.Platform.ToString(CultureInfo.InvariantCulture), Max: 100),
                    new($"{k.Kind}Processor", $"{k.Label}: processor", FieldKind.Percent, $"{key}:Processor", defaults.Processor.ToString(CultureInfo.InvariantCulture), Max: 100),
                };
            })], LiveWithoutRestart: true),
    ];

    public static IntegrationSection? Find(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>Checks one non-empty value of a field; returns the message to show, or null when it is acceptable.</summary>
    public static string? Validate(IntegrationField field, string value)
    {
        if (value.Length > 20_000)
        {
            return "At most 20,000 characters.";
        }

        var problem = field.Kind switch
        {
            FieldKind.Text or FieldKind.Secret => value.Length > 1000 ? "At most 1,000 characters." : value.Any(char.IsControl) ? "Use one line, without control characters." : null,
            FieldKind.Url => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "wss" or "ws" && uri.Host.Length > 0
                ? null : "Enter an absolute URL (https://, http://, wss:// or ws://).",
            FieldKind.Host => Uri.CheckHostName(value) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6 ? null : "Enter a host name, e.g. smtp.example.com.",
            FieldKind.Email => MailAddress.TryCreate(value, out var address) && address.Address == value ? null : "Enter an email address, e.g. no-reply@example.com.",
            FieldKind.WholeNumber or FieldKind.Percent => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= field.Min && number <= field.Max
                ? null : $"Enter a whole number from {field.Min.ToString("N0", CultureInfo.InvariantCulture)} to {field.Max.ToString("N0", CultureInfo.InvariantCulture)}.",
            FieldKind.OriginList => ValidateOrigins(value),
            FieldKind.JsonSecret => IsJsonObject(value) ? null : "Paste the whole JSON object of the credentials file.",
            _ => null,
        };
        return problem ?? field.Check?.Invoke(value);
    }

    /// <summary>An origin list as entered (one per line, or separated by commas or spaces), normalized.</summary>
    public static string[] SplitOrigins(string value) =>
        value.Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static string? ValidateOrigins(string value)
    {
        var origins = SplitOrigins(value);
        if (origins.Length > 50)
        {
            return "At most 50 origins.";
        }

        foreach (var origin in origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/"
                || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || origin.Contains('*', StringComparison.Ordinal))
            {
                return $"'{origin}' is not an origin: use scheme://host[:port], e.g. https://app.example.com (no path, no wildcard).";
            }
        }

        return null;
    }

    private static bool IsJsonObject(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Func<string, string?> Prefix(params string[] prefixes) => value =>
        prefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal)) ? null : $"Expected a value starting with {string.Join(" or ", prefixes)}.";

    private static Func<string, string?> MinLength(int length) => value => value.Length >= length ? null : $"Use at least {length} characters.";

    private static string? TwilioSid(string value) => TwilioSidPattern().IsMatch(value) ? null : "A Twilio account SID is AC followed by 32 hexadecimal characters.";

    private static string? StorageBackend(string value) => value is "local" or "s3" ? null : "Enter local or s3.";

    private static string? BucketName(string value) => BucketPattern().IsMatch(value) ? null : "A bucket name is 3 to 63 of lowercase letters, digits, dots and hyphens.";

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex TwilioSidPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();
}
