using System.Text.Json;
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

/// <summary>One kept reconciliation: by the schedule (<see cref="RequestedBy"/> null) or an administrator, with its first mismatches.</summary>
public sealed record ReconciliationRun(
    Guid Id, DateTime CheckedAt, bool Balanced, int MismatchCount, long Entries, long DurationMs, Guid? RequestedBy, IReadOnlyList<LedgerMismatch> Mismatches);

/// <summary>Which ledger transactions to list; every part is optional. <see cref="Before"/> is exclusive.</summary>
public sealed record TransactionFilter(string? Type = null, Guid? UserId = null, DateTime? From = null, DateTime? Before = null);

/// <summary>One account's side of a transaction, with the account it names.</summary>
public sealed record LedgerEntryLine(string AccountKey, string AccountKind, Guid? OwnerId, long Amount, long? BalanceAfter, Guid? CounterpartyId);

/// <summary>A ledger transaction with its entries, and the reversal that undid it, if any.</summary>
public sealed record LedgerTransactionView(
    Guid Id, string Type, long Amount, Guid? InitiatorId, string? Memo, string? Reference, string? Metadata, Guid? ReversesId, Guid? ReversedById,
    DateTime CreatedAt, IReadOnlyList<LedgerEntryLine> Entries)
{
    /// <summary>Whether an administrator may reverse it now (the wallet's rule, and not reversed yet).</summary>
    public bool Reversible => TransactionType.IsReversible(Type) && ReversedById is null;
}

/// <summary>A payout as the admin console shows it, including the provider's last error while it waits for a retry.</summary>
public sealed record PayoutLine(
    Guid Id, Guid CreatorId, long Amount, string Status, DateTime RequestedAt, DateTime? DecidedAt, Guid? DecidedBy, DateTime? PaidAt,
    string? ProviderReference, string? RejectionReason, string? LastError);

/// <summary>Payouts requested and not yet paid or rejected.</summary>
public sealed record PendingPayouts(int Count, long Coins);

/// <summary>A creator's payouts: waiting (requested or approved) and paid, in coins.</summary>
public sealed record CreatorPayoutTotals(int PendingCount, long PendingCoins, long PaidCoins);

/// <summary>What other modules (the admin console) may read of the wallet, without touching its tables.</summary>
public interface IWalletReadModel
{
    Task<long> GetBalanceAsync(Guid userId, CancellationToken cancellationToken = default);

    Task<long> GetEarningsAsync(Guid userId, CancellationToken cancellationToken = default);

    /// <summary>Several creators' withdrawable earnings in one query (0 for a creator without an earnings account).</summary>
    Task<IReadOnlyDictionary<Guid, long>> GetEarningsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TransactionLine>> GetRecentTransactionsAsync(Guid userId, int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per UTC day from <paramref name="firstDay"/> to <paramref name="lastDay"/> inclusive (at most 367 days). Days that
    /// ended more than <see cref="ClosedDayTotals.Settle"/> ago are kept in memory for <see cref="ClosedDayTotals.KeepFor"/>
    /// (their transactions do not change: the ledger is append-only and a correction is dated when it is made).
    /// </summary>
    Task<IReadOnlyList<DailyMoneyTotals>> GetDailyTotalsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default);

    Task<int> CountPendingPayoutsAsync(CancellationToken cancellationToken = default);

    Task<ReconciliationSummary?> GetLastReconciliationAsync(CancellationToken cancellationToken = default);

    /// <summary>The ledger's transactions, newest first (keyset on the id), with their entries.</summary>
    Task<Page<LedgerTransactionView>> ListTransactionsAsync(TransactionFilter filter, PageRequest page, CancellationToken cancellationToken = default);

    Task<LedgerTransactionView?> GetTransactionAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Payouts newest first: one <paramref name="status"/>, <c>pending</c> (requested or approved), or all when null.</summary>
    Task<Page<PayoutLine>> ListPayoutsAsync(string? status, PageRequest page, CancellationToken cancellationToken = default);

    Task<PendingPayouts> GetPendingPayoutsAsync(CancellationToken cancellationToken = default);

    Task<CreatorPayoutTotals> GetPayoutTotalsAsync(Guid creatorId, CancellationToken cancellationToken = default);

    /// <summary>The latest kept reconciliations, newest first.</summary>
    Task<IReadOnlyList<ReconciliationRun>> ListReconciliationsAsync(int limit, CancellationToken cancellationToken = default);

    Task<ReconciliationRun?> GetReconciliationAsync(Guid id, CancellationToken cancellationToken = default);
}

internal sealed class WalletReadModel(SpotlightDb db, ClosedDayTotals closedDays, TimeProvider time) : IWalletReadModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<long> GetBalanceAsync(Guid userId, CancellationToken cancellationToken = default) => WalletHistory.BalanceAsync(db, LedgerAccountRef.Wallet(userId));

    public Task<long> GetEarningsAsync(Guid userId, CancellationToken cancellationToken = default) => WalletHistory.BalanceAsync(db, LedgerAccountRef.Earnings(userId));

    public async Task<IReadOnlyDictionary<Guid, long>> GetEarningsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var accounts = userIds.Distinct().ToDictionary(id => LedgerAccountRef.Earnings(id).Id);
        var ids = accounts.Keys.ToList();
        var balances = await db.Set<LedgerAccount>().AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Balance }).ToDictionaryAsync(a => a.Id, a => a.Balance, cancellationToken);
        return accounts.ToDictionary(a => a.Value, a => balances.GetValueOrDefault(a.Key));
    }

    public async Task<IReadOnlyList<TransactionLine>> GetRecentTransactionsAsync(Guid userId, int limit = 20, CancellationToken cancellationToken = default) =>
        (await WalletHistory.HistoryAsync(db, LedgerAccountRef.Wallet(userId), new PageRequest(Math.Clamp(limit, 1, PageRequest.MaxLimit), null))).Items;

    public async Task<IReadOnlyList<DailyMoneyTotals>> GetDailyTotalsAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken = default)
    {
        if (lastDay < firstDay || lastDay.DayNumber - firstDay.DayNumber > 366)
        {
            throw new ArgumentOutOfRangeException(nameof(lastDay), "Ask for 1 to 367 days, the first before the last.");
        }

        // Closed days come from memory when this node has read them in the last few minutes; the rest (today, and any
        // day not kept) is read in at most two ranges: the missing closed days, then the open ones.
        var settledBefore = DateOnly.FromDateTime((time.GetUtcNow() - ClosedDayTotals.Settle).UtcDateTime);
        var known = new Dictionary<DateOnly, DailyMoneyTotals>();
        var missing = new List<DateOnly>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (day < settledBefore && closedDays.TryGet(day, time.GetUtcNow()) is { } kept)
            {
                known[day] = kept;
            }
            else
            {
                missing.Add(day);
            }
        }

        foreach (var range in new[] { missing.Where(d => d < settledBefore).ToList(), missing.Where(d => d >= settledBefore).ToList() }.Where(r => r.Count > 0))
        {
            foreach (var totals in await ReadDaysAsync(range[0], range[^1], cancellationToken))
            {
                known[totals.Day] = totals;
                if (totals.Day < settledBefore)
                {
                    closedDays.Keep(totals, time.GetUtcNow());
                }
            }
        }

        return [.. known.Values.OrderBy(d => d.Day)];
    }

    private async Task<List<DailyMoneyTotals>> ReadDaysAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var start = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        string[] types = [TransactionType.Topup, TransactionType.Gift, TransactionType.Subscription, TransactionType.PayoutPaid];
        var byType = await db.Set<LedgerTransaction>().AsNoTracking()
            .Where(t => t.CreatedAt >= start && t.CreatedAt < end && types.Contains(t.Type))
            .GroupBy(t => new { t.CreatedAt.Date, t.Type })
            .Select(g => new { g.Key.Date, g.Key.Type, Amount = g.Sum(t => t.Amount) })
            .ToListAsync(cancellationToken);

        // The revenue account has an entry in most transactions: its entries of the period are a range of (AccountId, CreatedAt).
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

    public async Task<Page<LedgerTransactionView>> ListTransactionsAsync(TransactionFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        List<LedgerTransaction> rows;
        if (filter.UserId is { } userId)
        {
            // A user's transactions are the entries of their two accounts: two range scans of (AccountId, TransactionId),
            // newest first, merged here; the filters are checked on the entries (they carry the type and time).
            var ids = new List<Guid>();
            foreach (var account in new[] { LedgerAccountRef.Wallet(userId).Id, LedgerAccountRef.Earnings(userId).Id })
            {
                var entries = db.Set<LedgerEntry>().AsNoTracking().Where(e => e.AccountId == account);
                if (page.After is { } after)
                {
                    entries = entries.Where(e => e.TransactionId.CompareTo(after) < 0);
                }

                if (filter.Type is { } type)
                {
                    entries = entries.Where(e => e.Type == type);
                }

                if (filter.From is { } from)
                {
                    entries = entries.Where(e => e.CreatedAt >= from);
                }

                if (filter.Before is { } before)
                {
                    entries = entries.Where(e => e.CreatedAt < before);
                }

                ids.AddRange(await entries.OrderByDescending(e => e.TransactionId).Select(e => e.TransactionId).Take(page.Limit + 1).ToListAsync(cancellationToken));
            }

            var wanted = ids.Distinct().OrderDescending().Take(page.Limit + 1).ToList();
            rows = [.. (await db.Set<LedgerTransaction>().AsNoTracking().Where(t => wanted.Contains(t.Id)).ToListAsync(cancellationToken)).OrderByDescending(t => t.Id)];
        }
        else
        {
            var query = db.Set<LedgerTransaction>().AsNoTracking();
            if (page.After is { } after)
            {
                query = query.Where(t => t.Id.CompareTo(after) < 0);
            }

            if (filter.Type is { } type)
            {
                query = query.Where(t => t.Type == type);
            }

            if (filter.From is { } from)
            {
                query = query.Where(t => t.CreatedAt >= from);
            }

            if (filter.Before is { } before)
            {
                query = query.Where(t => t.CreatedAt < before);
            }

            rows = await query.OrderByDescending(t => t.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        }

        var views = await ViewsAsync(rows.Take(page.Limit).ToList(), cancellationToken);
        return page.ToPage(rows, t => t.Id, t => views[t.Id]);
    }

    public async Task<LedgerTransactionView?> GetTransactionAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var transaction = await db.Set<LedgerTransaction>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return transaction is null ? null : (await ViewsAsync([transaction], cancellationToken))[id];
    }

    /// <summary>Adds entries (with their accounts) and reversals to a page of transactions: two indexed lookups for the page.</summary>
    private async Task<Dictionary<Guid, LedgerTransactionView>> ViewsAsync(List<LedgerTransaction> transactions, CancellationToken cancellationToken)
    {
        var ids = transactions.Select(t => t.Id).ToList();
        var entries = await db.Set<LedgerEntry>().AsNoTracking().Where(e => ids.Contains(e.TransactionId))
            .Join(db.Set<LedgerAccount>(), e => e.AccountId, a => a.Id, (e, a) => new { e.TransactionId, a.Key, a.Kind, a.OwnerId, e.Amount, e.BalanceAfter, e.CounterpartyId })
            .ToListAsync(cancellationToken);
        var reversible = ids.Select(id => (Guid?)id).ToList();
        var reversals = await db.Set<LedgerTransaction>().AsNoTracking().Where(t => reversible.Contains(t.ReversesId))
            .Select(t => new { Original = t.ReversesId!.Value, t.Id }).ToDictionaryAsync(r => r.Original, r => r.Id, cancellationToken);
        var lines = entries.ToLookup(e => e.TransactionId, e => new LedgerEntryLine(e.Key, e.Kind, e.OwnerId, e.Amount, e.BalanceAfter, e.CounterpartyId));
        return transactions.ToDictionary(t => t.Id, t => new LedgerTransactionView(
            t.Id, t.Type, t.Amount, t.InitiatorId, t.Memo, t.Reference, t.Metadata, t.ReversesId, reversals.TryGetValue(t.Id, out var by) ? by : null, t.CreatedAt,
            [.. lines[t.Id].OrderBy(l => l.Amount)]));
    }

    public async Task<Page<PayoutLine>> ListPayoutsAsync(string? status, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = db.Set<Payout>().AsNoTracking();
        if (status == "pending")
        {
            query = query.Where(p => p.Status == PayoutStatus.Requested || p.Status == PayoutStatus.Approved);
        }
        else if (status is not null)
        {
            query = query.Where(p => p.Status == status);
        }

        if (page.After is { } after)
        {
            query = query.Where(p => p.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(p => p.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return page.ToPage(rows, p => p.Id, p => new PayoutLine(
            p.Id, p.CreatorId, p.Amount, p.Status, p.RequestedAt, p.DecidedAt, p.DecidedBy, p.PaidAt, p.ProviderReference, p.RejectionReason, p.LastError));
    }

    public async Task<PendingPayouts> GetPendingPayoutsAsync(CancellationToken cancellationToken = default)
    {
        var pending = await db.Set<Payout>().Where(p => p.Status == PayoutStatus.Requested || p.Status == PayoutStatus.Approved)
            .GroupBy(p => 1).Select(g => new { Count = g.Count(), Coins = g.Sum(p => p.Amount) }).ToListAsync(cancellationToken);
        // One row or none (no pending payout): a list, since First over a grouping without OrderBy makes EF warn.
        return new PendingPayouts(pending.Sum(p => p.Count), pending.Sum(p => p.Coins));
    }

    public async Task<CreatorPayoutTotals> GetPayoutTotalsAsync(Guid creatorId, CancellationToken cancellationToken = default)
    {
        var byStatus = await db.Set<Payout>().Where(p => p.CreatorId == creatorId).GroupBy(p => p.Status)
            .Select(g => new { Status = g.Key, Count = g.Count(), Coins = g.Sum(p => p.Amount) }).ToListAsync(cancellationToken);
        var pending = byStatus.Where(s => s.Status is PayoutStatus.Requested or PayoutStatus.Approved).ToList();
        return new CreatorPayoutTotals(pending.Sum(s => s.Count), pending.Sum(s => s.Coins), byStatus.Where(s => s.Status == PayoutStatus.Paid).Sum(s => s.Coins));
    }

    public async Task<IReadOnlyList<ReconciliationRun>> ListReconciliationsAsync(int limit, CancellationToken cancellationToken = default) =>
        [.. (await db.Set<LedgerReconciliation>().AsNoTracking().OrderByDescending(r => r.CheckedAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(limit, 1, 100)).ToListAsync(cancellationToken)).Select(Run)];

    public async Task<ReconciliationRun?> GetReconciliationAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.Set<LedgerReconciliation>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) is { } run ? Run(run) : null;

    private static ReconciliationRun Run(LedgerReconciliation r) =>
        new(r.Id, r.CheckedAt, r.Balanced, r.MismatchCount, r.Entries, r.DurationMs, r.RequestedBy,
            r.Mismatches is null ? [] : JsonSerializer.Deserialize<List<LedgerMismatch>>(r.Mismatches, Json) ?? []);

    public async Task<ReconciliationSummary?> GetLastReconciliationAsync(CancellationToken cancellationToken = default) =>
        await db.Set<LedgerReconciliation>().AsNoTracking().OrderByDescending(r => r.CheckedAt)
            .Select(r => new ReconciliationSummary(r.CheckedAt, r.Balanced, r.MismatchCount, r.Entries, r.DurationMs))
            .FirstOrDefaultAsync(cancellationToken);
}
