using System.Globalization;

namespace Spotlight.Platform.Configuration;

/// <summary>
/// A secret that may be rotated without a gap, such as a webhook signing secret: the current value at its configuration
/// key (<c>Payments:Sandbox:WebhookSecret</c>), and during an overlap the one it replaced at the sibling key
/// <c>Payments:Sandbox:PreviousWebhookSecret</c>, accepted until <c>Payments:Sandbox:PreviousWebhookSecretExpiresAt</c>
/// (ISO 8601). The settings store writes both when a secret is replaced in the console; an operator rotating through
/// the environment can set them by hand.
/// </summary>
public static class RotatingSecret
{
    /// <summary>The key of the replaced value, beside <paramref name="key"/>: <c>A:B:Name</c> → <c>A:B:PreviousName</c>.</summary>
    public static string PreviousKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.LastIndexOf(':');
        return colon < 0 ? "Previous" + key : key[..(colon + 1)] + "Previous" + key[(colon + 1)..];
    }

    /// <summary>The key holding when the replaced value stops being accepted.</summary>
    public static string PreviousExpiresAtKey(string key) => PreviousKey(key) + "ExpiresAt";

    /// <summary>The secrets accepted at <paramref name="now"/>: the current one first, then the replaced one while its overlap lasts.</summary>
    public static IReadOnlyList<string> Accepted(IConfiguration configuration, string key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var current = configuration[key];
        var previous = configuration[PreviousKey(key)];
        var previousValid = !string.IsNullOrWhiteSpace(previous)
            && DateTimeOffset.TryParse(configuration[PreviousExpiresAtKey(key)], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt)
            && now < expiresAt
            && previous != current;
        return (string.IsNullOrWhiteSpace(current), previousValid) switch
        {
            (false, true) => [current!, previous!],
            (false, false) => [current!],
            (true, true) => [previous!],
            (true, false) => [],
        };
    }
}
