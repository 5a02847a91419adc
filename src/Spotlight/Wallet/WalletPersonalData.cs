using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Payouts;
using Spotlight.Wallet.Subscriptions;
using Spotlight.Wallet.Topups;

namespace Spotlight.Wallet;

/// <summary>
/// Wallet's share of a user's data: their ledger history, top-ups, subscriptions and payouts, all exported. None of it is
/// erased: money records must stay for the books to balance and for the law that keeps them, tied to the anonymized
/// account (the ledger's own rows are on the coverage test's list of what stays). A deletion only stops what would charge
/// the account again: its subscriptions are canceled (no renewal; the paid period runs out).
/// </summary>
internal sealed class WalletPersonalData(SpotlightDb db) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["transactions", "subscriptions", "payouts"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Subscription), nameof(Subscription.SubscriberId)),
        new(typeof(Subscription), nameof(Subscription.CreatorId)),
        new(typeof(SubscriptionPlan), nameof(SubscriptionPlan.CreatorId)),
        new(typeof(Payout), nameof(Payout.CreatorId)),
        new(typeof(Topup), nameof(Topup.UserId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken)
    {
        var accounts = db.Set<LedgerAccount>().Where(a => a.OwnerId == userId);
        var entries = await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => accounts.Any(a => a.Id == e.AccountId))
            .Join(db.Set<LedgerTransaction>(), e => e.TransactionId, t => t.Id, (e, t) => new { e, t })
            .Join(db.Set<LedgerAccount>(), x => x.e.AccountId, a => a.Id, (x, a) => new
            {
                transactionId = x.t.Id, x.t.Type, account = a.Kind, x.e.Amount, x.e.BalanceAfter, x.e.CounterpartyId, x.t.Memo, x.e.CreatedAt,
            })
            .ToListAsync(cancellationToken);
        var topups = await db.Set<Topup>().AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.CreatedAt)
            .Select(t => new { t.Id, t.PackageId, t.Coins, t.Price, t.Currency, t.Provider, t.Status, t.CreatedAt, t.CreditedAt })
            .ToListAsync(cancellationToken);
        await writer.WriteAsync("transactions", new { entries = entries.OrderBy(e => e.CreatedAt).ThenBy(e => e.transactionId), topups }, cancellationToken);
        await writer.WriteAsync("subscriptions", await db.Set<Subscription>().AsNoTracking().Where(s => s.SubscriberId == userId || s.CreatorId == userId)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new
            {
                s.Id, role = s.SubscriberId == userId ? "subscriber" : "creator", s.SubscriberId, s.CreatorId, s.PlanId, s.Price, s.Status,
                s.CurrentPeriodStart, s.CurrentPeriodEnd, s.CanceledAt, s.EndedAt, s.CreatedAt,
            })
            .ToListAsync(cancellationToken), cancellationToken);
        await writer.WriteAsync("payouts", await db.Set<Payout>().AsNoTracking().Where(p => p.CreatorId == userId).OrderBy(p => p.RequestedAt)
            .Select(p => new { p.Id, p.Amount, p.Status, p.RequestedAt, p.DecidedAt, p.PaidAt, p.Provider, p.RejectionReason })
            .ToListAsync(cancellationToken), cancellationToken);
    }

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var now = erasure.Now;
        await db.Set<Subscription>()
            .Where(s => s.SubscriberId == userId && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SubscriptionStatus.Canceled).SetProperty(x => x.CanceledAt, now), cancellationToken);
    }
}
