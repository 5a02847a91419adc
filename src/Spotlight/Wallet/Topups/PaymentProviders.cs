using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Configuration;

namespace Spotlight.Wallet.Topups;

/// <summary>A payment provider top-ups can go through. The sandbox is built in; a real provider (Stripe) plugs in beside it.</summary>
public interface IPaymentProvider
{
    /// <summary>The name in <c>/api/v1/payments/webhooks/{name}</c> and in <c>topup_clearing:{name}</c>.</summary>
    string Name { get; }

    /// <summary>Whether top-ups can go through it now (its keys are set, in the console or configuration).</summary>
    bool IsAvailable { get; }

    /// <summary>Starts paying for a top-up; returns where to send the user, if the provider has a checkout page.</summary>
    Task<string?> CreateCheckoutAsync(Topup topup, CancellationToken cancellationToken);

    /// <summary>Checks a webhook's signature over the raw body and reads the event, or says why it is refused.</summary>
    WebhookVerification Verify(IHeaderDictionary headers, byte[] body, DateTimeOffset now);
}

/// <summary>A provider's event, in the terms Spotlight needs: the coins it claims, or the fiat price it was paid (minor units).</summary>
public sealed record PaymentWebhookEvent(string Id, string Type, Guid? TopupId, long? Amount)
{
    public const string TopupSucceeded = "topup.succeeded";

    /// <summary>What the payer paid, in the currency's minor units, when the provider says (Stripe's <c>amount_total</c>).</summary>
    public long? Price { get; init; }

    public string? Currency { get; init; }
}

public abstract record WebhookVerification
{
    private WebhookVerification()
    {
    }

    public sealed record Valid(PaymentWebhookEvent Event) : WebhookVerification;

    /// <summary>A missing, malformed, wrong or stale signature: 400 <c>invalid_signature</c>.</summary>
    public sealed record InvalidSignature(string Reason) : WebhookVerification;

    /// <summary>Signed correctly but not an event this provider can read (malformed, duplicate members, wrong types): 400 <c>invalid_payload</c>.</summary>
    public sealed record InvalidPayload(string Reason) : WebhookVerification;

    /// <summary>The provider has no webhook secret (Production on PostgreSQL without the setting): 503.</summary>
    public sealed record NotConfigured(string Reason) : WebhookVerification;
}

/// <summary>
/// Stripe's signing scheme with Spotlight's event body: <c>Spotlight-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of
/// "t.body"&gt;</c>, refused when <c>t</c> is more than 300 s from now, compared in constant time.
/// </summary>
internal static class WebhookSignature
{
    public const int ToleranceSeconds = 300;

    public static string Sign(string secret, long timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, timestamp, body))}";
    }

    public static string? Check(string header, string secret, byte[] body, DateTimeOffset now) => Check(header, [secret], body, now);

    /// <summary>Accepts a signature made with any of <paramref name="secrets"/> (during a rotation: the new one and the one it replaced).</summary>
    public static string? Check(string header, IReadOnlyList<string> secrets, byte[] body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrWhiteSpace(header))
        {
            return "The signature header is missing.";
        }

        long? timestamp = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1" && value.Length == 64)
            {
                try
                {
                    candidates.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    // Not hex: cannot match.
                }
            }
        }

        if (timestamp is not { } ts || candidates.Count == 0)
        {
            return "The signature header needs t=<unix seconds> and v1=<hex HMAC-SHA256>.";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > ToleranceSeconds)
        {
            return $"The signature's timestamp is more than {ToleranceSeconds} seconds from now.";
        }

        var match = false;
        foreach (var secret in secrets)
        {
            var expected = Compute(secret, ts, body);
            foreach (var candidate in candidates)
            {
                // Every candidate is compared, in constant time, whatever the outcome of the others.
                match |= CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }

        return match ? null : "The signature does not match the body.";
    }

    private static byte[] Compute(string secret, long timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}

/// <summary>
/// A signed event body, read strictly in one place for every provider: one JSON object, no duplicate member (two
/// parsers could read two different events from one signature), bounded depth, and the <c>id</c> and <c>type</c>
/// within what <c>payment_events</c> stores. A field of the wrong type is a malformed event, never a missing one.
/// </summary>
internal static class WebhookEventBody
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Reads the body with <paramref name="read"/>; anything malformed in it becomes <see cref="WebhookVerification.InvalidPayload"/>.</summary>
    public static WebhookVerification Read(byte[] body, string shape, Func<JsonObject, string, string, WebhookVerification> read)
    {
        try
        {
            if (JsonNode.Parse(body, documentOptions: Strict) is not JsonObject json)
            {
                return new WebhookVerification.InvalidPayload($"The body is not {shape}: it must be one JSON object.");
            }

            var id = Text(json["id"]) ?? "";
            var type = Text(json["type"]) ?? "";
            if (string.IsNullOrWhiteSpace(id) || id.Length > PaymentEvent.MaxEventIdLength || string.IsNullOrWhiteSpace(type) || type.Length > PaymentEvent.MaxTypeLength)
            {
                return new WebhookVerification.InvalidPayload(
                    $"The event needs an id (up to {PaymentEvent.MaxEventIdLength} characters) and a type (up to {PaymentEvent.MaxTypeLength}).");
            }

            return read(json, id, type);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return new WebhookVerification.InvalidPayload($"The body is not {shape}: it is not valid JSON, repeats a member, nests too deep or has a field of the wrong type.");
        }
    }

    /// <summary>A string member, or null when absent; any other JSON type throws (a malformed event).</summary>
    public static string? Text(JsonNode? node) => node?.GetValue<string>();

    /// <summary>An object member, or null when absent; any other JSON type throws.</summary>
    public static JsonObject? Object(JsonNode? node) => node is null or JsonObject ? (JsonObject?)node : throw new FormatException("Expected a JSON object.");

    /// <summary>An integer member, or null when absent; a string, a fraction or any other type throws.</summary>
    public static long? Integer(JsonNode? node) =>
        node is null ? null : node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number)
            ? number
            : throw new FormatException("Expected a JSON integer.");
}

/// <summary>
/// The built-in provider for development and tests (API.md, "Built-in sandbox payment provider"): no checkout page,
/// the event is whatever a developer signs with <c>Payments:Sandbox:WebhookSecret</c>.
/// </summary>
internal sealed class SandboxPaymentProvider(SandboxWebhookSecret secret) : IPaymentProvider
{
    public const string ProviderName = "sandbox";
    public const string SignatureHeader = "Spotlight-Signature";

    public string Name => ProviderName;

    public bool IsAvailable => true;

    public Task<string?> CreateCheckoutAsync(Topup topup, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public WebhookVerification Verify(IHeaderDictionary headers, byte[] body, DateTimeOffset now)
    {
        var keys = secret.Accepted(now);
        if (keys.Count == 0)
        {
            return new WebhookVerification.NotConfigured(secret.Problem);
        }

        if (WebhookSignature.Check(headers[SignatureHeader].ToString(), keys, body, now) is { } problem)
        {
            return new WebhookVerification.InvalidSignature(problem);
        }

        return WebhookEventBody.Read(body, "the sandbox's JSON event", (json, id, type) =>
        {
            var data = WebhookEventBody.Object(json["data"]);
            Guid? topupId = Guid.TryParse(WebhookEventBody.Text(data?["topupId"]), out var parsed) ? parsed : null;
            return new WebhookVerification.Valid(new PaymentWebhookEvent(id, type, topupId, WebhookEventBody.Integer(data?["amount"])));
        });
    }
}

/// <summary>
/// <c>Payments:Sandbox:WebhookSecret</c>: the value saved in the admin console (payments → sandbox webhook secret), else
/// configuration, read at each webhook so a rotation applies on every node within the settings refresh; the replaced
/// secret stays accepted during the overlap (<see cref="RotatingSecret"/>). Never defaulted in code or config: when unset
/// everywhere it is generated once into <c>{data}/payments-sandbox.json</c> (owner-only) for a single node; in Production
/// on PostgreSQL (several nodes, one secret) nothing is generated and sandbox webhooks are refused until it is set.
/// </summary>
public sealed class SandboxWebhookSecret
{
    public const string Setting = "Payments:Sandbox:WebhookSecret";
    private readonly IConfiguration _configuration;
    private readonly string? _generated;

    public SandboxWebhookSecret(IConfiguration configuration, IHostEnvironment environment, DataDirectory dataDirectory, DatabaseOptions database, ILogger<SandboxWebhookSecret> logger)
    {
        _configuration = configuration;
        if (!string.IsNullOrWhiteSpace(configuration[Setting]))
        {
            return;
        }

        if (environment.IsProduction() && database.IsPostgres)
        {
            logger.LogWarning("{Setting} is not set: sandbox payment webhooks will be refused until it is set in the console or configuration", Setting);
            return;
        }

        var file = dataDirectory.Combine("payments-sandbox.json");
        if (File.Exists(file) && JsonNode.Parse(File.ReadAllText(file))?["webhookSecret"]?.GetValue<string>() is { Length: > 0 } stored)
        {
            _generated = stored;
            return;
        }

        _generated = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var temporary = file + ".tmp";
        using (var stream = OperatingSystem.IsWindows()
            ? new FileStream(temporary, FileMode.Create, FileAccess.Write)
            : new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            JsonSerializer.Serialize(stream, new JsonObject { ["webhookSecret"] = _generated });
        }

        File.Move(temporary, file, overwrite: true);
        logger.LogInformation("Generated a sandbox webhook secret into {File}", file);
    }

    /// <summary>Why webhooks are refused when no secret is accepted.</summary>
    public string Problem => $"Sandbox webhooks are refused: set {Setting} (the same on every node) or the sandbox webhook secret in the admin console.";

    /// <summary>The secrets a webhook may be signed with at <paramref name="now"/>: the one in force, and the replaced one during a rotation's overlap.</summary>
    public IReadOnlyList<string> Accepted(DateTimeOffset now)
    {
        var accepted = RotatingSecret.Accepted(_configuration, Setting, now);
        return string.IsNullOrWhiteSpace(_configuration[Setting]) && _generated is not null ? [_generated, .. accepted] : accepted;
    }
}
