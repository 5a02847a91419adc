using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Wallet.Payouts;

public static class PayoutStatus
{
    /// <summary>The coins left the creator's earnings for <c>payout_clearing</c>; an admin decides.</summary>
    public const string Requested = "requested";

    /// <summary>An admin approved; the payout provider is being asked to pay.</summary>
    public const string Approved = "approved";

    public const string Paid = "paid";

    /// <summary>An admin refused; the coins went back to the creator's earnings.</summary>
    public const string Rejected = "rejected";
}

/// <summary>A creator's request to withdraw earnings, and what became of it.</summary>
public sealed class Payout
{
    public Guid Id { get; set; }

    public Guid CreatorId { get; set; }

    public long Amount { get; set; }

    public required string Status { get; set; }

    public DateTime RequestedAt { get; set; }

    public DateTime? DecidedAt { get; set; }

    public Guid? DecidedBy { get; set; }

    public DateTime? PaidAt { get; set; }

    public string? Provider { get; set; }

    /// <summary>The payout provider's id for the payment.</summary>
    public string? ProviderReference { get; set; }

    public string? RejectionReason { get; set; }

    public string? LastError { get; set; }
}

internal sealed class PayoutConfiguration : IEntityTypeConfiguration<Payout>
{
    public void Configure(EntityTypeBuilder<Payout> builder)
    {
        builder.ToTable("wallet_payouts");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Status).HasMaxLength(20);
        builder.Property(p => p.Provider).HasMaxLength(30);
        builder.Property(p => p.ProviderReference).HasMaxLength(200);
        builder.Property(p => p.RejectionReason).HasMaxLength(500);
        builder.Property(p => p.LastError).HasMaxLength(1000);
        builder.HasIndex(p => new { p.CreatorId, p.Id });
        builder.HasIndex(p => new { p.Status, p.Id });
    }
}

/// <summary>Sends money to a creator outside the platform. Must be idempotent on the payout id (a retry must not pay twice).</summary>
public interface IPayoutProvider
{
    string Name { get; }

    /// <summary>Pays, or throws; returns the provider's reference for the payment.</summary>
    Task<string> PayAsync(Payout payout, CancellationToken cancellationToken);
}

/// <summary>The built-in provider for development and tests: pays at once.</summary>
internal sealed class SandboxPayoutProvider : IPayoutProvider
{
    public string Name => "sandbox";

    public Task<string> PayAsync(Payout payout, CancellationToken cancellationToken) => Task.FromResult($"sandbox_po_{payout.Id:N}");
}
