using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Webhooks;

/// <summary>
/// An integrator's endpoint: where events of the subscribed types are POSTed, signed with its secret (Standard Webhooks).
/// The secret is stored encrypted (<see cref="Platform.Security.SecretProtector"/>); after a rotation the replaced one
/// keeps signing beside the new one until <see cref="PreviousSecretExpiresAt"/>.
/// </summary>
internal sealed class WebhookEndpoint
{
    public Guid Id { get; set; }

    public required string Url { get; set; }

    /// <summary>The subscribed event types, comma-separated with a comma at each end (<c>,gift.sent,post.created,</c>), so one LIKE finds subscribers.</summary>
    public required string Events { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Why the server disabled it (<c>gone</c>: the receiver answered 410; <c>failing</c>: 5 days of failures); null when enabled or disabled by an admin.</summary>
    public string? DisabledReason { get; set; }

    public required string Secret { get; set; }

    public string? PreviousSecret { get; set; }

    public DateTime? PreviousSecretExpiresAt { get; set; }

    /// <summary>The first failed attempt since the last success; null while deliveries succeed.</summary>
    public DateTime? FailingSince { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> EventList => WebhookEventTypes.Split(Events);
}

/// <summary>One event for one endpoint: the exact body sent on every attempt, and how the attempts went.</summary>
internal sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid EndpointId { get; set; }

    /// <summary>The event's id (the outbox event id, or a new one for a test event): <c>webhook-id</c> is <c>msg_</c> + this, the same on every attempt.</summary>
    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    /// <summary><c>{ type, timestamp, data }</c>, as sent.</summary>
    public required string Payload { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    /// <summary>After this, a failed attempt is the last one (the schedule's 3 days; a manual retry gets one attempt).</summary>
    public DateTime GiveUpAt { get; set; }

    public DateTime? LockedUntil { get; set; }

    public int? ResponseCode { get; set; }

    public int? LatencyMs { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastAttemptAt { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> builder)
    {
        builder.ToTable("webhook_endpoints");
        builder.Property(e => e.Url).HasMaxLength(WebhookUrls.MaxLength);
        builder.Property(e => e.Events).HasMaxLength(1000);
        builder.Property(e => e.DisabledReason).HasMaxLength(50);
        builder.Property(e => e.Secret).HasMaxLength(500);
        builder.Property(e => e.PreviousSecret).HasMaxLength(500);
        builder.Ignore(e => e.EventList);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.Property(d => d.EventType).HasMaxLength(100);
        builder.Property(d => d.Status).HasMaxLength(20);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        builder.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        // A redelivered outbox event writes no second delivery for the same endpoint.
        builder.HasIndex(d => new { d.EndpointId, d.EventId }).IsUnique();
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
    }
}
