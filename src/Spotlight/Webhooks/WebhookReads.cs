using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Webhooks;

/// <summary>
/// One delivery: its status (<c>pending</c>, <c>succeeded</c>, <c>failed</c>), attempts, the last answer's status code and
/// latency. <paramref name="MessageId"/> is the <c>webhook-id</c> header, the same on every attempt.
/// </summary>
public sealed record WebhookDeliveryResponse(
    Guid Id, string MessageId, string Type, string Status, int Attempts, int? ResponseCode, int? LatencyMs, string? LastError,
    DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt)
{
    internal static WebhookDeliveryResponse Of(WebhookDelivery d) =>
        new(d.Id, WebhookMessages.Id(d.EventId), d.EventType, d.Status, d.Attempts, d.ResponseCode, d.LatencyMs, d.LastError, d.CreatedAt, d.LastAttemptAt,
            d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.DeliveredAt);
}

/// <summary>The endpoints and their deliveries, newest first (the admin API and the console's Webhooks page).</summary>
public sealed class WebhookReads(SpotlightDb db)
{
    public async Task<Page<WebhookResponse>> EndpointsAsync(PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Set<WebhookEndpoint>().AsNoTracking();
        if (page.After is { } after)
        {
            query = query.Where(e => e.Id < after);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, e => e.Id, WebhookResponse.Of);
    }

    public async Task<Outcome<WebhookResponse>> EndpointAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Set<WebhookEndpoint>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken) is { } endpoint
            ? WebhookResponse.Of(endpoint)
            : Refusal.NotFound("No webhook endpoint has this id.");

    public async Task<Outcome<Page<WebhookDeliveryResponse>>> DeliveriesAsync(Guid endpointId, PageRequest page, CancellationToken cancellationToken)
    {
        if (!await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == endpointId, cancellationToken))
        {
            return Refusal.NotFound("No webhook endpoint has this id.");
        }

        var query = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.EndpointId == endpointId);
        if (page.After is { } after)
        {
            query = query.Where(d => d.Id < after);
        }

        var rows = await query.OrderByDescending(d => d.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, d => d.Id, WebhookDeliveryResponse.Of);
    }
}

/// <summary>
/// Sends a delivery again at the next run of the delivery job: one more attempt, whatever its status. The delivery must
/// belong to the endpoint in the path (another endpoint's delivery id is 404); a disabled endpoint sends nothing (409).
/// </summary>
public sealed class RetryWebhookDelivery(SpotlightDb db, Platform.Audit.AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<WebhookDeliveryResponse>> HandleAsync(Guid endpointId, Guid deliveryId, CancellationToken cancellationToken)
    {
        var delivery = await db.Set<WebhookDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == endpointId, cancellationToken);
        if (delivery is null)
        {
            return Refusal.NotFound("This webhook endpoint has no delivery with this id.");
        }

        if (await db.Set<WebhookEndpoint>().Where(e => e.Id == endpointId).Select(e => e.Enabled).SingleAsync(cancellationToken) is false)
        {
            return Refusal.Conflict("webhook_disabled", "The endpoint is disabled: enable it (PATCH enabled: true) before retrying.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        delivery.Status = DeliveryStatus.Pending;
        delivery.NextAttemptAt = now;
        delivery.GiveUpAt = now; // one attempt: if it fails, the delivery is failed again rather than rescheduled
        // The lease stays: an attempt under way finishes and records its result rather than racing a second send.
        audit.Add(db, "webhook.delivery_retried", "webhook", endpointId.ToString(), new { deliveryId });
        await db.SaveChangesAsync(cancellationToken);
        return WebhookDeliveryResponse.Of(delivery);
    }
}

/// <summary>Queues a <c>webhook.test</c> event to one endpoint, whatever it subscribes to, so an integrator can check the receiver and its signature check.</summary>
public sealed class SendTestWebhook(SpotlightDb db, TimeProvider time)
{
    public async Task<Outcome<WebhookDeliveryResponse>> HandleAsync(Guid endpointId, CancellationToken cancellationToken)
    {
        var enabled = await db.Set<WebhookEndpoint>().Where(e => e.Id == endpointId).Select(e => (bool?)e.Enabled).SingleOrDefaultAsync(cancellationToken);
        if (enabled is null)
        {
            return Refusal.NotFound("No webhook endpoint has this id.");
        }

        if (enabled is false)
        {
            return Refusal.Conflict("webhook_disabled", "The endpoint is disabled: enable it (PATCH enabled: true) before sending a test.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var eventId = Guid.CreateVersion7();
        var body = WebhookEventTypes.Body(WebhookEventTypes.Test, now, new { endpointId, message = "A test event from Spotlight." });
        var delivery = WebhookDeliveries.New(endpointId, eventId, WebhookEventTypes.Test, body, now);
        db.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return WebhookDeliveryResponse.Of(delivery);
    }
}

internal static class WebhookMessages
{
    public static string Id(Guid eventId) => "msg_" + eventId.ToString("N");
}
