using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Paging;
using Spotlight.Wallet.History;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Payouts;
using Spotlight.Wallet.Reconciliation;

namespace Spotlight.Wallet;

/// <summary>Coins moved on one UTC day, by kind.</summary>
public sealed record DailyMoneyTotals(DateOnly Day, long ToppedUp, long Gifted, long Subscribed, long PaidOut, long PlatformRevenue);

public sealed record ReconciliationSummary(DateTime CheckedAt, bool Balanced, int Mismatches, long Entries, long DurationMs);

/// <summary>What other modules (the admin console) may read of the wallet, without touching its tables.</summary>
public interface IWalletReadModel
{
    Task<long> GetBalanceAsync(Guid userId, CancellationToken cancellationToken = default);

    Task<long> GetEarningsAsync(Guid userId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TransactionLine>> GetRecentTransactionsAsync(Guid userId, int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>Per UTC day from <paramref name="firstDay"/> to <paramref name="lastDay"/> inclusive (at most 366 days).</summary>
    Task<IReadOnlyList<DailyMoneyTotals>> GetDailyTotalsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);

    Task<int> CountPendingPayoutsAsync(CancellationToken cancellationToken = default);

    Task<ReconciliationSummary?> GetLastReconciliationAsync(CancellationToken cancellationToken = default);
}

internal sealed class WalletReadModel(SpotlightDb db) : IWalletReadModel
{
    public Task<long> GetBalanceAsync(Guid userId, CancellationToken cancellationToken = default) => WalletApi.BalanceAsync(db, LedgerAccountRef.Wallet(userId));

    public Task<long> GetEarningsAsync(Guid userId, CancellationToken cancellationToken = default) => WalletApi.BalanceAsync(db, LedgerAccountRef.Earnings(userId));

    public async Task<IReadOnlyList<TransactionLine>> GetRecentTransactionsAsync(Guid userId, int limit = 20, CancellationToken cancellationToken = default) =>
        (await WalletApi.HistoryAsync(db, LedgerAccountRef.Wallet(userId), new PageRequest(Math.Clamp(limit, 1, PageRequest.MaxLimit), null))).Items;

    public async Task<IReadOnlyList<DailyMoneyTotals>> GetDailyTotalsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        if (lastDay < firstDay || lastDay.DayNumber - firstDay.DayNumber > 366)
        {
            throw new ArgumentOutOfRangeException(nameof(lastDay), "Ask for 1 to 367 days, the first before the last.");
        }

        var start = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        string[] types = [TransactionType.Topup, TransactionType.Gift, TransactionType.Subscription, TransactionType.PayoutPaid];
        var byType = await db.Set<LedgerTransaction>().AsNoTracking()
            .Where(t => t.CreatedAt >= start && t.CreatedAt < end && types.Contains(t.Type))
            .GroupBy(t => new { t.CreatedAt.Date, t.Type })
            .Select(g => new { g.Key.Date, g.Key.Type, Amount = g.Sum(t => t.Amount) })
            .ToListAsync(cancellationToken);
        var revenueId = LedgerAccountRef.Revenue.Id;
        var revenue = await db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.AccountId == revenueId && e.CreatedAt >= start && e.CreatedAt < end)
            .GroupBy(e => e.CreatedAt.Date)
            .Select(g => new { Date = g.Key, Amount = g.Sum(e => e.Amount) })
            .ToListAsync(cancellationToken);

        var days = new List<DailyMoneyTotals>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var date = day.ToDateTime(TimeOnly.MinValue);
            long Of(string type) => byType.Where(r => r.Date == date && r.Type == type).Sum(r => r.Amount);
            days.Add(new DailyMoneyTotals(day, Of(TransactionType.Topup), Of(TransactionType.Gift), Of(TransactionType.Subscription), Of(TransactionType.PayoutPaid),
                revenue.Where(r => r.Date == date).Sum(r => r.Amount)));
        }

        return days;
    }

    public Task<int> CountPendingPayoutsAsync(CancellationToken cancellationToken = default) =>
        db.Set<Payout>().CountAsync(p => p.Status == PayoutStatus.Requested || p.Status == PayoutStatus.Approved, cancellationToken);

    public async Task<ReconciliationSummary?> GetLastReconciliationAsync(CancellationToken cancellationToken = default) =>
        await db.Set<LedgerReconciliation>().AsNoTracking().OrderByDescending(r => r.CheckedAt)
            .Select(r => new ReconciliationSummary(r.CheckedAt, r.Balanced, r.MismatchCount, r.Entries, r.DurationMs))
            .FirstOrDefaultAsync(cancellationToken);
}
