using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>What a creator sells: access for 30 days at a price in coins.</summary>
internal sealed class SubscriptionPlan
{
    public Guid Id { get; set; }

    public Guid CreatorId { get; set; }

    public required string Name { get; set; }

    public long Price { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal static class SubscriptionStatus
{
    public const string Active = "active";

    /// <summary>A renewal found too few coins; retried until the grace period ends. Access continues meanwhile.</summary>
    public const string PastDue = "past_due";

    /// <summary>Will not renew; access continues to the end of the paid period.</summary>
    public const string Canceled = "canceled";

    public const string Expired = "expired";

    /// <summary>
    /// A renewal found the creator banned: nothing charged, no access past the paid period. The next renewal run after
    /// an unban charges a new period from then; canceling ends it at once.
    /// </summary>
    public const string Paused = "paused";
}

/// <summary>A subscriber's subscription to a creator's plan.</summary>
public sealed class Subscription
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(30);

    public Guid Id { get; set; }

    public Guid SubscriberId { get; set; }

    public Guid CreatorId { get; set; }

    public Guid PlanId { get; set; }

    /// <summary>The price at subscription time: a creator changing a plan does not reprice running subscriptions.</summary>
    public long Price { get; set; }

    public required string Status { get; set; }

    public DateTime CurrentPeriodStart { get; set; }

    public DateTime CurrentPeriodEnd { get; set; }

    /// <summary>Counts charged periods; part of each charge's ledger reference, so a period is charged at most once.</summary>
    public int PeriodNumber { get; set; }

    public DateTime? PastDueSince { get; set; }

    public DateTime? CanceledAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary><c>{subscriber}:{creator}</c> while the subscription is not expired, else null: unique, so one live subscription per pair.</summary>
    public string? LiveKey { get; set; }

    public static string LiveKeyFor(Guid subscriber, Guid creator) => $"{subscriber:N}:{creator:N}";

    public bool HasAccess(DateTime now) => Status != SubscriptionStatus.Expired && EndedAt is null && (Status == SubscriptionStatus.PastDue || now < CurrentPeriodEnd);
}

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<SubscriptionPlan>, IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<SubscriptionPlan> builder)
    {
        builder.ToTable("subscription_plans");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.HasIndex(p => new { p.CreatorId, p.Id });
    }

    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Status).HasMaxLength(20);
        builder.Property(s => s.LiveKey).HasMaxLength(80);
        builder.HasIndex(s => s.LiveKey).IsUnique();
        builder.HasIndex(s => new { s.SubscriberId, s.Id });
        builder.HasIndex(s => new { s.CreatorId, s.Id });
        builder.HasIndex(s => new { s.Status, s.CurrentPeriodEnd });
    }
}
