using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Sales;

/// <summary>
/// One sale to a fan that pays a creator. <see cref="Metadata"/> goes into the ledger transaction (JSON), and
/// <see cref="AuditDetails"/> into the audit entry: each says what was sold, in the seller's own words.
/// </summary>
public sealed record SaleOrder(SaleKind Kind, Guid BuyerId, Guid CreatorId, long Amount, object? Metadata, object? AuditDetails);

/// <summary>What a sale came to: the ledger transaction, the amount, its split, and the buyer's balance right after it.</summary>
public sealed record SaleReceipt(Guid TransactionId, SaleKind Kind, long Amount, SplitParts Split, long BuyerBalanceAfter, DateTime At);

/// <summary>
/// Charges a buyer's wallet and pays a creator by the split of the kind of sale (gifts, premium unlocks): the ledger
/// postings (buyer's wallet → creator's earnings, platform revenue, processor fees), the audit entry and the wallet's
/// metrics, the same for every kind so none of them copies the money path. It runs inside the caller's database
/// transaction (<see cref="BeginAsync"/>, which is <see cref="LedgerWriter.BeginAsync"/>), so the caller's own rows (what
/// was sold, its events, the idempotency key) commit with the money or not at all; the caller saves and commits, then
/// calls <see cref="Completed"/>.
/// </summary>
public sealed class CreatorSale(IRevenueSplits splits, LedgerWriter ledger, AuditLog audit, WalletMetrics metrics)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Refusal InsufficientFunds = new(StatusCodes.Status402PaymentRequired, "insufficient_funds", "Your balance does not cover this amount.");

    /// <summary>Begins the database transaction a sale is posted in (platform accounts are made sure of first).</summary>
    public Task<IDbContextTransaction> BeginAsync(SpotlightDb db, CancellationToken cancellationToken = default) => ledger.BeginAsync(db, cancellationToken);

    /// <summary>
    /// Posts the sale and adds its audit entry to the unit of work. Too few coins: the database transaction has been rolled
    /// back (nothing of the caller's stays either) and the refusal is 402 <c>insufficient_funds</c>.
    /// </summary>
    public async Task<Outcome<SaleReceipt>> ChargeAsync(SpotlightDb db, SaleOrder order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(order.Amount);
        var kind = Names(order.Kind);
        var split = RevenueSplit.Compute(order.Amount, splits.Percentages(order.Kind));
        var transaction = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = kind.TransactionType, Amount = order.Amount, InitiatorId = order.BuyerId,
            Metadata = order.Metadata is null ? null : JsonSerializer.Serialize(order.Metadata, Json),
        };
        var buyerWallet = LedgerAccountRef.Wallet(order.BuyerId);
        var posted = await ledger.PostAsync(db, transaction,
        [
            new Posting(buyerWallet, -order.Amount, order.CreatorId),
            new Posting(LedgerAccountRef.Earnings(order.CreatorId), split.Creator, order.BuyerId),
            new Posting(LedgerAccountRef.Revenue, split.Platform),
            new Posting(LedgerAccountRef.ProcessorFees, split.Processor),
        ], cancellationToken: cancellationToken);
        if (posted is not PostResult.Posted done)
        {
            metrics.Refused(kind.Operation);
            return InsufficientFunds;
        }

        audit.Add(db, kind.AuditAction, "transaction", transaction.Id.ToString(), order.AuditDetails);
        return new SaleReceipt(transaction.Id, order.Kind, order.Amount, split, done.BalanceAfter(buyerWallet) ?? 0, transaction.CreatedAt);
    }

    /// <summary>After the caller committed: counts the coins sold (never for a sale that rolled back).</summary>
    public void Completed(SaleReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        Names(receipt.Kind).Sold(metrics).Add(receipt.Amount);
    }

    /// <summary>
    /// The receipt of a sale made earlier, as it was split then (read from its entries, not from today's percentages):
    /// for answering a repeated purchase with the first one. Null when no sale of this kind has this id.
    /// </summary>
    public async Task<SaleReceipt?> FindAsync(SpotlightDb db, Guid transactionId, SaleKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var type = Names(kind).TransactionType;
        var entries = await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.TransactionId == transactionId && e.Type == type)
            .Join(db.Set<LedgerAccount>(), e => e.AccountId, a => a.Id, (e, a) => new { e.Amount, e.BalanceAfter, e.CreatedAt, a.Kind })
            .ToListAsync(cancellationToken);
        var buyer = entries.FirstOrDefault(e => e.Kind == AccountKind.Wallet && e.Amount < 0);
        if (buyer is null)
        {
            return null;
        }

        long Part(string accountKind) => entries.Where(e => e.Kind == accountKind).Sum(e => e.Amount);
        return new SaleReceipt(transactionId, kind, -buyer.Amount,
            new SplitParts(Part(AccountKind.Earnings), Part(AccountKind.Revenue), Part(AccountKind.ProcessorFees)), buyer.BalanceAfter ?? 0, buyer.CreatedAt);
    }

    // Subscriptions are charged by their own flow (a reference per period, renewals by a job), not through this piece.
    private static KindNames Names(SaleKind kind) =>
        Kinds.TryGetValue(kind, out var names) ? names : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of sale this piece makes.");

    /// <summary>How each kind of sale is named in the ledger, the audit log and the metrics.</summary>
    private sealed record KindNames(string TransactionType, string AuditAction, string Operation, Func<WalletMetrics, System.Diagnostics.Metrics.Counter<long>> Sold);

    private static readonly Dictionary<SaleKind, KindNames> Kinds = new()
    {
        [SaleKind.Gift] = new(TransactionType.Gift, "wallet.gift_sent", "gift", m => m.CoinsGifted),
        [SaleKind.PremiumUnlock] = new(TransactionType.ContentUnlock, "wallet.content_unlocked", "content_unlock", m => m.CoinsUnlocked),
    };
}
