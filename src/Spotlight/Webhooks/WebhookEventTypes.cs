using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Events;

namespace Spotlight.Webhooks;

/// <summary>
/// The event types an endpoint may subscribe to (API.md, Webhooks for integrators). Most come from another module's domain
/// event (<see cref="WebhooksModule"/> maps them, one line each); every type of the contract is sent.
/// </summary>
internal static class WebhookEventTypes
{
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All =
    [
        "gift.sent", "subscription.created", "subscription.renewed", "subscription.canceled", "payout.requested", "payout.paid",
        "live.started", "live.ended", "pk.ended", "post.created", "report.created", "user.registered", "user.deleted",
    ];

    internal static string Join(IEnumerable<string> types) => "," + string.Join(",", types.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + ",";

    internal static IReadOnlyList<string> Split(string stored) => stored.Split(',', StringSplitOptions.RemoveEmptyEntries);

    internal static string Body(string type, DateTime timestamp, object data) =>
        JsonSerializer.Serialize(new { type, timestamp, data }, WebhookJson.Options);
}

internal static class WebhookJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>Which domain event becomes which webhook type, and the <c>data</c> it carries.</summary>
internal sealed record WebhookEventMapping<TEvent>(string Type, Func<TEvent, object> Data) where TEvent : IDomainEvent;

/// <summary>
/// Turns one domain event into one delivery row per enabled endpoint subscribed to its type, in this handler's own
/// transaction (after the change that raised it committed: the outbox). A redelivered event adds nothing: the rows are
/// unique by endpoint and event id.
/// </summary>
internal sealed class PublishToWebhooks<TEvent>(SpotlightDb db, WebhookEventMapping<TEvent> mapping, TimeProvider time) : IDomainEventHandler<TEvent>
    where TEvent : IDomainEvent
{
    public async Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var pattern = "%," + mapping.Type + ",%";
        var endpoints = await db.Set<WebhookEndpoint>().Where(e => e.Enabled && EF.Functions.Like(e.Events, pattern)).Select(e => e.Id).ToListAsync(cancellationToken);
        if (endpoints.Count == 0)
        {
            return;
        }

        var done = await db.Set<WebhookDelivery>().Where(d => d.EventId == context.EventId).Select(d => d.EndpointId).ToListAsync(cancellationToken);
        var body = WebhookEventTypes.Body(mapping.Type, context.OccurredAt, mapping.Data(domainEvent));
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var endpoint in endpoints.Except(done))
        {
            db.Add(WebhookDeliveries.New(endpoint, context.EventId, mapping.Type, body, now));
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

internal static class WebhookDeliveries
{
    /// <summary>The Standard Webhooks schedule after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h each, for up to 3 days.</summary>
    public static readonly TimeSpan[] Schedule =
        [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10)];

    public static readonly TimeSpan RetryFor = TimeSpan.FromDays(3);

    public static TimeSpan DelayAfter(int attempts) => Schedule[Math.Clamp(attempts - 1, 0, Schedule.Length - 1)];

    public static WebhookDelivery New(Guid endpointId, Guid eventId, string type, string body, DateTime now) => new()
    {
        Id = Guid.CreateVersion7(), EndpointId = endpointId, EventId = eventId, EventType = type, Payload = body, Status = DeliveryStatus.Pending,
        NextAttemptAt = now, GiveUpAt = now + RetryFor, CreatedAt = now,
    };
}

internal static class WebhookEventServiceCollectionExtensions
{
    /// <summary>Sends <typeparamref name="TEvent"/> to the endpoints subscribed to <paramref name="type"/>, with <paramref name="data"/> as its <c>data</c>.</summary>
    internal static IServiceCollection AddWebhookEvent<TEvent>(this IServiceCollection services, string type, Func<TEvent, object>? data = null)
        where TEvent : IDomainEvent
    {
        if (!WebhookEventTypes.All.Contains(type))
        {
            throw new InvalidOperationException($"'{type}' is not a webhook event type of the contract.");
        }

        services.AddSingleton(new WebhookEventMapping<TEvent>(type, data ?? (e => e)));
        return services.AddEventHandler<TEvent, PublishToWebhooks<TEvent>>();
    }
}
