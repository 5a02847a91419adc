using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Webhooks;

/// <summary><c>POST /admin/webhooks</c>. Unknown fields are refused globally.</summary>
internal sealed record CreateWebhookRequest(string? Url, string[]? Events);

/// <summary><c>PATCH /admin/webhooks/{id}</c>: what is sent changes; <c>enabled: true</c> also clears a disabled reason and the failing streak.</summary>
internal sealed record UpdateWebhookRequest(string? Url, string[]? Events, bool? Enabled);

/// <summary>An endpoint as listed: never its secret.</summary>
public sealed record WebhookResponse(
    Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason, DateTime? FailingSince, DateTime? PreviousSecretExpiresAt,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    internal static WebhookResponse Of(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.EventList, e.Enabled, e.DisabledReason, e.FailingSince, e.PreviousSecretExpiresAt, e.CreatedAt, e.UpdatedAt);
}

/// <summary>A new endpoint, with its secret: the only time it is shown.</summary>
internal sealed record WebhookCreatedResponse(Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, DateTime CreatedAt, string Secret);

/// <summary>A rotated secret, shown once; the replaced one still signs until <paramref name="PreviousSecretExpiresAt"/>.</summary>
internal sealed record WebhookSecretResponse(Guid Id, string Secret, DateTime? PreviousSecretExpiresAt);

/// <summary>Registers an endpoint: URL checked (SSRF guard), event types known, a new secret stored encrypted and shown once; audit-logged.</summary>
internal sealed class CreateWebhook(SpotlightDb db, WebhookUrls urls, WebhookSecrets secrets, AuditLog audit, IOptions<WebhookOptions> options, TimeProvider time)
{
    public async Task<Outcome<WebhookCreatedResponse>> HandleAsync(CreateWebhookRequest request, CancellationToken cancellationToken)
    {
        if (WebhookUrls.CheckEvents(request.Events) is { } badEvents)
        {
            return badEvents;
        }

        if (await urls.CheckAsync(request.Url, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }

        if (await db.Set<WebhookEndpoint>().CountAsync(cancellationToken) >= options.Value.MaxEndpoints)
        {
            return Refusal.Conflict("webhook_limit_reached", $"At most {options.Value.MaxEndpoints} webhook endpoints (Webhooks:MaxEndpoints); delete one first.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = WebhookSecrets.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(), Url = request.Url!, Events = WebhookEventTypes.Join(request.Events!), Secret = secrets.Protect(secret),
            CreatedAt = now, UpdatedAt = now,
        };
        db.Add(endpoint);
        audit.Add(db, "webhook.created", "webhook", endpoint.Id.ToString(), new { endpoint.Url, events = endpoint.EventList });
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookCreatedResponse(endpoint.Id, endpoint.Url, endpoint.EventList, endpoint.Enabled, endpoint.CreatedAt, secret);
    }
}

/// <summary>Changes an endpoint's URL (checked again), events or enabled state; audit-logged.</summary>
internal sealed class UpdateWebhook(SpotlightDb db, WebhookUrls urls, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<WebhookResponse>> HandleAsync(Guid id, UpdateWebhookRequest request, CancellationToken cancellationToken)
    {
        if (request.Events is not null && WebhookUrls.CheckEvents(request.Events) is { } badEvents)
        {
            return badEvents;
        }

        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Refusal.NotFound("No webhook endpoint has this id.");
        }

        if (request.Url is not null && request.Url != endpoint.Url && await urls.CheckAsync(request.Url, cancellationToken) is { } badUrl)
        {
            return badUrl;
        }

        endpoint.Url = request.Url ?? endpoint.Url;
        endpoint.Events = request.Events is null ? endpoint.Events : WebhookEventTypes.Join(request.Events);
        if (request.Enabled is { } enabled && enabled != endpoint.Enabled)
        {
            endpoint.Enabled = enabled;
            endpoint.DisabledReason = null;
            endpoint.FailingSince = null;
        }

        endpoint.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Add(db, "webhook.updated", "webhook", id.ToString(), new { request.Url, request.Events, request.Enabled });
        await db.SaveChangesAsync(cancellationToken);
        return WebhookResponse.Of(endpoint);
    }
}

/// <summary>Deletes an endpoint and its deliveries; audit-logged.</summary>
internal sealed class DeleteWebhook(SpotlightDb db, AuditLog audit)
{
    public async Task<Outcome<bool>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Refusal.NotFound("No webhook endpoint has this id.");
        }

        db.Remove(endpoint);
        audit.Add(db, "webhook.deleted", "webhook", id.ToString(), new { endpoint.Url });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

/// <summary>
/// A new secret, shown once. The replaced secret keeps signing beside it for <see cref="WebhookOptions.RotationOverlapHours"/>
/// (<c>webhook-signature</c> carries both), so the receiver can switch without losing a delivery; audit-logged.
/// </summary>
internal sealed class RotateWebhookSecret(SpotlightDb db, WebhookSecrets secrets, AuditLog audit, IOptions<WebhookOptions> options, TimeProvider time)
{
    public async Task<Outcome<WebhookSecretResponse>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (endpoint is null)
        {
            return Refusal.NotFound("No webhook endpoint has this id.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = WebhookSecrets.NewSecret();
        var overlap = TimeSpan.FromHours(options.Value.RotationOverlapHours);
        endpoint.PreviousSecret = overlap > TimeSpan.Zero ? endpoint.Secret : null;
        endpoint.PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        endpoint.Secret = secrets.Protect(secret);
        endpoint.UpdatedAt = now;
        audit.Add(db, "webhook.secret_rotated", "webhook", id.ToString(), new { endpoint.PreviousSecretExpiresAt });
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookSecretResponse(id, secret, endpoint.PreviousSecretExpiresAt);
    }
}
