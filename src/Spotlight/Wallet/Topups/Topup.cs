using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Wallet.Topups;

internal static class TopupStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
}

/// <summary>A purchase of coins: pending until the provider's signed webhook says it was paid, then credited exactly once.</summary>
public sealed class Topup
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string PackageId { get; set; }

    public long Coins { get; set; }

    public long Price { get; set; }

    public required string Currency { get; set; }

    public required string Provider { get; set; }

    public required string Status { get; set; }

    public string? CheckoutUrl { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CreditedAt { get; set; }

    public Guid? TransactionId { get; set; }
}

/// <summary>
/// Every webhook event a provider delivered with a valid signature, once: the unique (provider, event id) makes a
/// redelivered event a no-op. <see cref="Outcome"/> says what it did.
/// </summary>
internal sealed class PaymentEvent
{
    public const int MaxEventIdLength = 255;
    public const int MaxTypeLength = 100;

    public Guid Id { get; set; }

    public required string Provider { get; set; }

    public required string EventId { get; set; }

    public required string Type { get; set; }

    public Guid? TopupId { get; set; }

    public long? Amount { get; set; }

    /// <summary><c>credited</c>, <c>already_credited</c>, <c>unknown_topup</c>, <c>amount_mismatch</c>, <c>ignored</c>.</summary>
    public required string Outcome { get; set; }

    public DateTime ReceivedAt { get; set; }
}

internal sealed class TopupConfiguration : IEntityTypeConfiguration<Topup>, IEntityTypeConfiguration<PaymentEvent>
{
    public void Configure(EntityTypeBuilder<Topup> builder)
    {
        builder.ToTable("wallet_topups");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.PackageId).HasMaxLength(50);
        builder.Property(t => t.Currency).HasMaxLength(10);
        builder.Property(t => t.Provider).HasMaxLength(30);
        builder.Property(t => t.Status).HasMaxLength(20);
        builder.Property(t => t.CheckoutUrl).HasMaxLength(2048);
        builder.HasIndex(t => new { t.UserId, t.Id });
        builder.HasIndex(t => new { t.Status, t.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<PaymentEvent> builder)
    {
        builder.ToTable("payment_events");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Provider).HasMaxLength(30);
        builder.Property(e => e.EventId).HasMaxLength(PaymentEvent.MaxEventIdLength);
        builder.Property(e => e.Type).HasMaxLength(PaymentEvent.MaxTypeLength);
        builder.Property(e => e.Outcome).HasMaxLength(30);
        builder.HasIndex(e => new { e.Provider, e.EventId }).IsUnique();
        builder.HasIndex(e => e.TopupId);
    }
}
