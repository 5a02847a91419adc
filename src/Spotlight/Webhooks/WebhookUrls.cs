using Microsoft.Extensions.Options;
using Spotlight.Platform.Errors;

namespace Spotlight.Webhooks;

/// <summary>Checks an endpoint's URL and event types at the edge, and refuses URLs whose host resolves to a refused address.</summary>
internal sealed class WebhookUrls(IOptionsMonitor<WebhookOptions> options)
{
    public const int MaxLength = 2000;

    /// <summary>Null when <paramref name="url"/> is acceptable; otherwise the refusal (400 <c>validation_failed</c> or <c>url_not_allowed</c>).</summary>
    public async Task<Refusal?> CheckAsync(string? url, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("url", url).MaxLength("url", url, MaxLength);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return Refusal.Invalid("url", "An absolute http or https URL.");
        }

        if (uri.UserInfo.Length > 0)
        {
            return Refusal.Invalid("url", "A URL without user name or password: the signature authenticates the sender.");
        }

        if (options.CurrentValue.AllowPrivateNetworks)
        {
            return null;
        }

        var addresses = await WebhookAddresses.ResolveAsync(uri.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            return Refusal.Invalid("url", $"The host '{uri.Host}' does not resolve.");
        }

        if (addresses.FirstOrDefault(WebhookAddresses.IsRefused) is { } refused)
        {
            var message = $"The host '{uri.Host}' resolves to {refused}, a loopback, private, link-local or otherwise non-public address: webhooks only go to public addresses.";
            return new Refusal(StatusCodes.Status400BadRequest, "url_not_allowed", message, new Dictionary<string, string[]> { ["url"] = [message] });
        }

        return null;
    }

    /// <summary>Null when every type is known and there is at least one; the refusal otherwise.</summary>
    public static Refusal? CheckEvents(IReadOnlyCollection<string>? events)
    {
        if (events is null || events.Count == 0)
        {
            return Refusal.Invalid("events", "At least one event type: " + string.Join(", ", WebhookEventTypes.All) + ".");
        }

        var unknown = events.Where(e => !WebhookEventTypes.All.Contains(e, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0
            ? null
            : Refusal.Invalid("events", $"Unknown event type{(unknown.Count == 1 ? "" : "s")}: {string.Join(", ", unknown)}. Known: {string.Join(", ", WebhookEventTypes.All)}.");
    }
}
