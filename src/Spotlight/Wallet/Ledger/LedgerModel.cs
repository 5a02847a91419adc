using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Wallet.Ledger;

/// <summary>The kinds of account the ledger knows.</summary>
public static class AccountKind
{
    /// <summary>A user's spendable coins (bought or received as transfers).</summary>
    public const string Wallet = "wallet";

    /// <summary>A creator's withdrawable coins (earned from gifts and subscriptions), kept apart from what they bought.</summary>
    public const string Earnings = "earnings";

    public const string Revenue = "revenue";
    public const string ProcessorFees = "processor_fees";

    /// <summary>Per payment provider: coins that entered the system (its balance is minus everything credited by top-ups).</summary>
    public const string TopupClearing = "topup_clearing";

    /// <summary>Coins requested as payouts and not yet paid or rejected.</summary>
    public const string PayoutClearing = "payout_clearing";

    /// <summary>Coins that left the system through paid payouts (the mirror of <see cref="TopupClearing"/>).</summary>
    public const string PayoutsPaid = "payouts_paid";

    /// <summary>The counterpart of admin adjustments.</summary>
    public const string Adjustments = "adjustments";
}

/// <summary>
/// An account of the ledger. User accounts (<see cref="OwnerId"/> set) keep a stored <see cref="Balance"/> that moves in
/// the same transaction as their entries, so spending can be checked with one conditional update. Platform accounts keep
/// no stored balance (it stays 0): theirs is the sum of their entries, so no gift ever waits on a platform row
/// (docs/decisions/0002-ledger-hot-accounts.md).
/// </summary>
public sealed class LedgerAccount
{
    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public Guid? OwnerId { get; set; }

    /// <summary>Unique and stable: <c>wallet:{userId}</c>, <c>revenue</c>, <c>topup_clearing:sandbox</c>; the id is derived from it.</summary>
    public required string Key { get; set; }

    public long Balance { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One movement of coins: two or more entries that sum to zero. Never updated; corrected by a reversing transaction.</summary>
public sealed class LedgerTransaction
{
    public Guid Id { get; set; }

    /// <summary>See <see cref="TransactionType"/>.</summary>
    public required string Type { get; set; }

    /// <summary>The headline amount (what the payer paid, what was moved); entries hold the detail.</summary>
    public long Amount { get; set; }

    /// <summary>Who caused it (the sender, the admin); null for provider webhooks and jobs.</summary>
    public Guid? InitiatorId { get; set; }

    /// <summary>At most one transaction per reference (a top-up, a subscription period, a payout step): a second guard against doing a thing twice.</summary>
    public string? Reference { get; set; }

    /// <summary>Set on a reversal: the transaction it undoes. Unique, so a transaction is reversed at most once.</summary>
    public Guid? ReversesId { get; set; }

    /// <summary>A transfer's note, an adjustment's reason.</summary>
    public string? Memo { get; set; }

    /// <summary>JSON with what the type needs (gift id and quantity, live session...).</summary>
    public string? Metadata { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One account's side of a transaction. Positive adds to the account's balance, negative takes from it. One entry per
/// account per transaction, so (account, transaction) is the key and an account's history is one index range.
/// </summary>
public sealed class LedgerEntry
{
    public Guid TransactionId { get; set; }

    public Guid AccountId { get; set; }

    public long Amount { get; set; }

    /// <summary>The account's stored balance right after this entry (user accounts only).</summary>
    public long? BalanceAfter { get; set; }

    /// <summary>The other user involved, if any (the sender of a gift, the recipient of a transfer).</summary>
    public Guid? CounterpartyId { get; set; }

    /// <summary>The transaction's type, copied so a history page needs no join.</summary>
    public required string Type { get; set; }

    public DateTime CreatedAt { get; set; }
}

public static class TransactionType
{
    public const string Topup = "topup";
    public const string Gift = "gift";
    public const string Transfer = "transfer";
    public const string Subscription = "subscription";
    public const string PayoutRequest = "payout_request";
    public const string PayoutPaid = "payout_paid";
    public const string PayoutRejected = "payout_rejected";
    public const string Adjustment = "adjustment";
    public const string Reversal = "reversal";
    public const string ContentUnlock = "content_unlock";

    public static IReadOnlyList<string> All { get; } =
        [Topup, Gift, Transfer, Subscription, ContentUnlock, PayoutRequest, PayoutPaid, PayoutRejected, Adjustment, Reversal];

    /// <summary>What a reversal may undo: payouts are undone by rejecting them, and a reversal is not reversed.</summary>
    public static bool IsReversible(string type) => type is Topup or Gift or Transfer or Subscription or Adjustment or ContentUnlock;
}

/// <summary>An account the ledger can post to; user accounts are created on their first credit.</summary>
public sealed record LedgerAccountRef(Guid Id, string Kind, Guid? OwnerId, string Key)
{
    public bool HasStoredBalance => OwnerId is not null;

    public static LedgerAccountRef Wallet(Guid userId) => User(AccountKind.Wallet, userId);

    public static LedgerAccountRef Earnings(Guid userId) => User(AccountKind.Earnings, userId);

    public static LedgerAccountRef Revenue { get; } = Platform(AccountKind.Revenue);

    public static LedgerAccountRef ProcessorFees { get; } = Platform(AccountKind.ProcessorFees);

    public static LedgerAccountRef PayoutClearing { get; } = Platform(AccountKind.PayoutClearing);

    public static LedgerAccountRef PayoutsPaid { get; } = Platform(AccountKind.PayoutsPaid);

    public static LedgerAccountRef Adjustments { get; } = Platform(AccountKind.Adjustments);

    public static LedgerAccountRef TopupClearing(string provider) => new(IdFor($"{AccountKind.TopupClearing}:{provider}"), AccountKind.TopupClearing, null, $"{AccountKind.TopupClearing}:{provider}");

    private static LedgerAccountRef User(string kind, Guid userId)
    {
        var key = $"{kind}:{userId:N}";
        return new LedgerAccountRef(IdFor(key), kind, userId, key);
    }

    private static LedgerAccountRef Platform(string kind) => new(IdFor(kind), kind, null, kind);

    /// <summary>A name-based UUID (version 8 over SHA-256 of the key): every node computes the same id without a lookup.</summary>
    public static Guid IdFor(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("spotlight-ledger:" + key), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

internal sealed class LedgerConfiguration :
    IEntityTypeConfiguration<LedgerAccount>, IEntityTypeConfiguration<LedgerTransaction>, IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerAccount> builder)
    {
        builder.ToTable("ledger_accounts");
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Kind).HasMaxLength(30);
        builder.Property(a => a.Key).HasMaxLength(100);
        // No unique index on Key: the id is derived from it, so the primary key already makes it unique, and a second
        // unique index would let two first credits racing on a new account fail on the index ON CONFLICT does not name.
        builder.HasIndex(a => new { a.OwnerId, a.Kind });
    }

    public void Configure(EntityTypeBuilder<LedgerTransaction> builder)
    {
        builder.ToTable("ledger_transactions");
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Type).HasMaxLength(30);
        builder.Property(t => t.Reference).HasMaxLength(200);
        builder.Property(t => t.Memo).HasMaxLength(500);
        builder.Property(t => t.Metadata).HasMaxLength(2000);
        builder.HasIndex(t => t.Reference).IsUnique();
        builder.HasIndex(t => t.ReversesId).IsUnique();
        builder.HasIndex(t => new { t.Type, t.CreatedAt });
        // The admin console lists one type newest first (keyset on Id): rare types (adjustments, reversals) stay one range scan.
        builder.HasIndex(t => new { t.Type, t.Id });
        builder.HasIndex(t => t.CreatedAt);
    }

    public void Configure(EntityTypeBuilder<LedgerEntry> builder)
    {
        builder.ToTable("ledger_entries");
        builder.HasKey(e => new { e.TransactionId, e.AccountId });
        builder.Property(e => e.Type).HasMaxLength(30);
        builder.HasIndex(e => new { e.AccountId, e.TransactionId });
        // An account's entries over a period (the platform's revenue per day on the dashboard): a range, not a walk of all.
        builder.HasIndex(e => new { e.AccountId, e.CreatedAt });
        builder.HasOne<LedgerTransaction>().WithMany().HasForeignKey(e => e.TransactionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<LedgerAccount>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
