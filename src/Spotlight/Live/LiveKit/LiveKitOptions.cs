using System.Text;
using Microsoft.Extensions.Options;
using Spotlight.Platform.Configuration;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.LiveKit;

/// <summary>
/// <c>LiveKit:*</c>, read live (<c>IOptionsMonitor</c>): the admin console's <c>livekit</c> section reaches these keys
/// through the stored-settings configuration, so a value saved there applies on every node within the settings refresh.
/// No default URL, key or secret: until all three are set, live endpoints answer 503 <c>livekit_not_configured</c> and the
/// server still starts.
/// </summary>
public sealed class LiveKitOptions
{
    public const string Section = "LiveKit";
    public const string ApiSecretKey = Section + ":" + nameof(ApiSecret);

    /// <summary>LiveKit's server as clients reach it (<c>wss://…</c>); the Twirp API is called on the same host over http(s).</summary>
    public string? Url { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Signs every token (HS256). During a rotation the replaced one still verifies webhooks (<see cref="RotatingSecret"/>).</summary>
    public string? ApiSecret { get; set; }

    /// <summary>How long a participant token is valid.</summary>
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a room-control call may take in all, retries included.</summary>
    public TimeSpan RoomServiceTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt of a room-control call may take.</summary>
    public TimeSpan RoomServiceAttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries of a room-control call after a transient failure (5xx, 429, timeout, connection refused).</summary>
    public int RoomServiceRetries { get; set; } = 3;

    /// <summary>Slack allowed between LiveKit's clock and ours when checking a webhook token's <c>nbf</c>/<c>exp</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Url) && !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);
}

/// <summary>
/// Checks every value given; an unset one only means "not configured". Applied when the settings are read
/// (<see cref="LiveKitSettings"/>), not registered as an <c>IValidateOptions</c>: the options monitor re-reads the options
/// on every configuration reload and would throw a refusal into the console's save of the value.
/// </summary>
internal static class LiveKitOptionsValidation
{
    /// <summary>HS256 wants a key of at least 256 bits; LiveKit's own server refuses shorter secrets outside dev mode.</summary>
    public const int MinSecretBytes = 32;

    public static IReadOnlyList<string> Problems(LiveKitOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Url)
            && !(Uri.TryCreate(options.Url, UriKind.Absolute, out var url) && url.Scheme is "ws" or "wss" or "http" or "https"))
        {
            errors.Add("LiveKit:Url must be an absolute ws://, wss://, http:// or https:// URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiKey) && options.ApiKey.Any(char.IsWhiteSpace))
        {
            errors.Add("LiveKit:ApiKey must not contain spaces.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiSecret) && Encoding.UTF8.GetByteCount(options.ApiSecret) < MinSecretBytes)
        {
            errors.Add($"LiveKit:ApiSecret must be at least {MinSecretBytes} bytes long.");
        }

        if (options.TokenTtl < TimeSpan.FromMinutes(1) || options.TokenTtl > TimeSpan.FromDays(1))
        {
            errors.Add("LiveKit:TokenTtl must be between 1 minute and 24 hours.");
        }

        if (options.RoomServiceTimeout <= TimeSpan.Zero || options.RoomServiceTimeout > TimeSpan.FromMinutes(2)
            || options.RoomServiceAttemptTimeout <= TimeSpan.Zero || options.RoomServiceAttemptTimeout > options.RoomServiceTimeout)
        {
            errors.Add("LiveKit:RoomServiceTimeout must be at most 2 minutes and at least LiveKit:RoomServiceAttemptTimeout, both positive.");
        }

        if (options.RoomServiceRetries is < 0 or > 10)
        {
            errors.Add("LiveKit:RoomServiceRetries must be between 0 and 10.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add("LiveKit:ClockSkew must be between 0 and 5 minutes.");
        }

        return errors;
    }
}

/// <summary>What a call to LiveKit needs, taken from the settings of the moment.</summary>
public sealed record LiveKitConnection(string Url, Uri ApiBase, string ApiKey, string ApiSecret, TimeSpan TokenTtl, TimeSpan ClockSkew);

/// <summary>
/// The LiveKit settings of the moment: a <see cref="LiveKitConnection"/> when they are complete and valid, else the
/// refusal that stands in for it (503 <c>livekit_not_configured</c>). Invalid values saved while the server runs make
/// LiveKit unavailable, never the server.
/// </summary>
public sealed class LiveKitSettings(IOptionsMonitor<LiveKitOptions> monitor, IConfiguration configuration)
{
    public const string NotConfiguredCode = "livekit_not_configured";

    /// <summary>The options of the moment, or <c>null</c> with the reason when they are invalid.</summary>
    public LiveKitOptions? Options(out string? problem)
    {
        var options = monitor.CurrentValue;
        var problems = LiveKitOptionsValidation.Problems(options);
        problem = problems.Count == 0 ? null : string.Join(" ", problems);
        return problem is null ? options : null;
    }

    public Outcome<LiveKitConnection> Connection()
    {
        var options = Options(out var problem);
        if (options is null)
        {
            return NotConfigured("LiveKit's settings are invalid: " + problem);
        }

        if (!options.IsConfigured)
        {
            return NotConfigured("LiveKit is not configured: set its URL, API key and API secret in the admin console (LiveKit) or LiveKit:Url, LiveKit:ApiKey, LiveKit:ApiSecret.");
        }

        var url = new Uri(options.Url!);
        var api = new UriBuilder(url) { Scheme = url.Scheme is "wss" or "https" ? "https" : "http", Port = url.IsDefaultPort ? -1 : url.Port }.Uri;
        return new LiveKitConnection(options.Url!, api, options.ApiKey!, options.ApiSecret!, options.TokenTtl, options.ClockSkew);
    }

    /// <summary>The secrets a webhook may be signed with at <paramref name="now"/>: the current one, then the replaced one during its overlap.</summary>
    public IReadOnlyList<string> AcceptedSecrets(DateTimeOffset now) => RotatingSecret.Accepted(configuration, LiveKitOptions.ApiSecretKey, now);

    private static Refusal NotConfigured(string detail) => new(StatusCodes.Status503ServiceUnavailable, NotConfiguredCode, detail);
}
