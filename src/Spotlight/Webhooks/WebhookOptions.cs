namespace Spotlight.Webhooks;

/// <summary><c>Webhooks:*</c>: outgoing webhooks for integrators (API.md, Webhooks for integrators).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Lets endpoints resolve to loopback, private, link-local, CGNAT and other non-public addresses. Off in production:
    /// on, an admin could make the server call its own network (SSRF). Tests turn it on for a receiver on 127.0.0.1.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Seconds an attempt may take (connect, send, answer) before it counts as failed.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Seconds between runs of the delivery job (each run sends everything that is due).</summary>
    public int DeliveryIntervalSeconds { get; set; } = 5;

    /// <summary>Hours a rotated-out secret keeps signing beside the new one.</summary>
    public double RotationOverlapHours { get; set; } = 24;

    /// <summary>Days of failing deliveries (no success in between) after which an endpoint is disabled.</summary>
    public double DisableAfterFailingDays { get; set; } = 5;

    /// <summary>Endpoints at most; each has a secret and costs a delivery row per subscribed event.</summary>
    public int MaxEndpoints { get; set; } = 50;

    internal static IEnumerable<string> Problems(WebhookOptions options)
    {
        if (options.TimeoutSeconds is <= 0 or > 120)
        {
            yield return "Webhooks:TimeoutSeconds must be above 0 and at most 120.";
        }

        if (options.DeliveryIntervalSeconds is < 1 or > 3600)
        {
            yield return "Webhooks:DeliveryIntervalSeconds must be between 1 and 3600.";
        }

        if (options.RotationOverlapHours is < 0 or > 24 * 30)
        {
            yield return "Webhooks:RotationOverlapHours must be between 0 and 720 (30 days).";
        }

        if (options.DisableAfterFailingDays <= 0)
        {
            yield return "Webhooks:DisableAfterFailingDays must be above 0.";
        }

        if (options.MaxEndpoints < 1)
        {
            yield return "Webhooks:MaxEndpoints must be at least 1.";
        }
    }
}
