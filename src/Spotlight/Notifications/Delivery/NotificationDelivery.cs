using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Notifications.Delivery;

/// <summary>
/// The outbox of external delivery: one row per notification and channel (push, email), written in the same transaction
/// as the notification. <see cref="NotificationDeliveryJob"/> sends it at least once; <see cref="DedupeKey"/> (unique) is
/// also handed to the provider so one that supports it can drop a duplicate. Failures retry with exponential backoff and
/// are dead-lettered after <see cref="NotificationOptions.MaxAttempts"/>.
/// </summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; set; }

    public Guid NotificationId { get; set; }

    public Guid UserId { get; set; }

    public required string Channel { get; set; }

    public required string DedupeKey { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime? SentAt { get; set; }

    public DateTime? DeadAt { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("notification_deliveries");
        builder.Property(d => d.Channel).HasMaxLength(20);
        builder.Property(d => d.DedupeKey).HasMaxLength(100);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.HasIndex(d => d.DedupeKey).IsUnique();
        builder.HasIndex(d => new { d.SentAt, d.DeadAt, d.NextAttemptAt });
        builder.HasOne<Notification>().WithMany().HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}
