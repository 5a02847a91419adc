using System.Data;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Payouts;
using Spotlight.Wallet.Topups;

namespace Spotlight.Wallet.Reconciliation;

/// <summary>API.md's <c>{ balanced, accounts, totalDebits, totalCredits, mismatches }</c>, with a little more.</summary>
public sealed record ReconciliationReport(
    bool Balanced, long Accounts, long Transactions, long Entries, long TotalDebits, long TotalCredits, IReadOnlyList<LedgerMismatch> Mismatches,
    DateTime CheckedAt, long DurationMs);

/// <summary>
/// One thing that does not add up. <see cref="Kind"/>: <c>unbalanced_transaction</c>, <c>stored_balance</c>,
/// <c>negative_balance</c>, <c>clearing</c>, <c>totals</c>.
/// </summary>
public sealed record LedgerMismatch(string Kind, string Subject, long Expected, long Actual, string Detail);

/// <summary>The outcome of a scheduled reconciliation, kept so the admin console can show the last one.</summary>
internal sealed class LedgerReconciliation
{
    public Guid Id { get; set; }

    public DateTime CheckedAt { get; set; }

    public bool Balanced { get; set; }

    public int MismatchCount { get; set; }

    public long Entries { get; set; }

    public long DurationMs { get; set; }

    /// <summary>The first mismatches, as JSON.</summary>
    public string? Mismatches { get; set; }

    /// <summary>The administrator who ran it from the console; null for the schedule.</summary>
    public Guid? RequestedBy { get; set; }
}

internal sealed class LedgerReconciliationConfiguration : IEntityTypeConfiguration<LedgerReconciliation>
{
    public void Configure(EntityTypeBuilder<LedgerReconciliation> builder)
    {
        builder.ToTable("ledger_reconciliations");
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasIndex(r => r.CheckedAt);
    }
}

/// <summary>
/// Proves the books: every transaction sums to zero, every stored balance equals the sum of its entries, no user
/// balance is negative, clearing accounts net to what the top-ups and payouts say, debits equal credits. All checks read
/// one snapshot (REPEATABLE READ on PostgreSQL, a read transaction on SQLite), so traffic during the run cannot make a
/// false mismatch; each is one aggregate query over indexed columns.
/// </summary>
public sealed class LedgerReconciler(DatabaseOptions database, IEnumerable<IPaymentProvider> providers, TimeProvider time)
{
    private const int MaxListed = 100;

    public async Task<ReconciliationReport> RunAsync(SpotlightDb db, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var snapshot = await BeginSnapshotAsync(db, cancellationToken);
        var mismatches = new List<LedgerMismatch>();

        // One pass over the entries, per account; the totals are sums of those sums. The per-account rows come back only
        // for platform accounts and for user accounts that are wrong, so the answer stays small with millions of users.
        var rows = await db.Database.SqlQuery<AccountRow>($"""
            WITH sums AS MATERIALIZED (
                SELECT "AccountId",
                       SUM("Amount") AS "Sum",
                       SUM(CASE WHEN "Amount" < 0 THEN -"Amount" ELSE 0 END) AS "Debits",
                       SUM(CASE WHEN "Amount" > 0 THEN "Amount" ELSE 0 END) AS "Credits",
                       COUNT(*) AS "Entries"
                FROM ledger_entries GROUP BY "AccountId")
            SELECT a."Key" AS "Key", CASE WHEN a."OwnerId" IS NULL THEN 0 ELSE 1 END AS "IsUser", a."Balance" AS "Balance",
                   COALESCE(s."Sum", 0) AS "Sum", 0 AS "Debits", 0 AS "Credits", 0 AS "Entries"
            FROM ledger_accounts a LEFT JOIN sums s ON s."AccountId" = a."Id"
            WHERE a."OwnerId" IS NULL OR a."Balance" <> COALESCE(s."Sum", 0) OR a."Balance" < 0
            UNION ALL
            SELECT '', -1, 0, COALESCE(SUM("Sum"), 0), COALESCE(SUM("Debits"), 0), COALESCE(SUM("Credits"), 0), COALESCE(SUM("Entries"), 0)
            FROM sums
            """).ToListAsync(cancellationToken);
        var totals = rows.Single(r => r.IsUser == -1);
        var transactions = await db.Set<LedgerTransaction>().LongCountAsync(cancellationToken);
        var accounts = await db.Set<LedgerAccount>().LongCountAsync(cancellationToken);
        if (totals.Debits != totals.Credits)
        {
            mismatches.Add(new LedgerMismatch("totals", "ledger", totals.Debits, totals.Credits, "Total debits differ from total credits."));
        }

        var unbalanced = await db.Database.SqlQuery<SumRow>($"""
            SELECT "TransactionId" AS "Id", SUM("Amount") AS "Sum", COUNT(*) AS "Count"
            FROM ledger_entries GROUP BY "TransactionId"
            HAVING SUM("Amount") <> 0 OR COUNT(*) < 2
            LIMIT {MaxListed}
            """).ToListAsync(cancellationToken);
        mismatches.AddRange(unbalanced.Select(u => new LedgerMismatch("unbalanced_transaction", u.Id.ToString(), 0, u.Sum, $"Its {u.Count} entries sum to {u.Sum}.")));

        foreach (var account in rows.Where(r => r.IsUser == 1).Take(MaxListed))
        {
            if (account.Balance != account.Sum)
            {
                mismatches.Add(new LedgerMismatch("stored_balance", account.Key, account.Sum, account.Balance, "The stored balance differs from the sum of the account's entries."));
            }

            if (account.Balance < 0)
            {
                mismatches.Add(new LedgerMismatch("negative_balance", account.Key, 0, account.Balance, "A user balance is below zero."));
            }
        }

        var platform = rows.Where(r => r.IsUser == 0).ToDictionary(a => a.Key, a => a.Sum, StringComparer.Ordinal);
        long Sum(LedgerAccountRef account) => platform.GetValueOrDefault(account.Key);

        foreach (var provider in providers)
        {
            var credited = await db.Set<Topup>().Where(t => t.Provider == provider.Name && t.Status == TopupStatus.Succeeded).SumAsync(t => (long?)t.Coins, cancellationToken) ?? 0;
            Clearing(mismatches, LedgerAccountRef.TopupClearing(provider.Name), -credited, Sum(LedgerAccountRef.TopupClearing(provider.Name)), "minus the coins of credited top-ups");
        }

        var inFlight = await db.Set<Payout>().Where(p => p.Status == PayoutStatus.Requested || p.Status == PayoutStatus.Approved).SumAsync(p => (long?)p.Amount, cancellationToken) ?? 0;
        Clearing(mismatches, LedgerAccountRef.PayoutClearing, inFlight, Sum(LedgerAccountRef.PayoutClearing), "the payouts requested and not yet paid or rejected");
        var paid = await db.Set<Payout>().Where(p => p.Status == PayoutStatus.Paid).SumAsync(p => (long?)p.Amount, cancellationToken) ?? 0;
        Clearing(mismatches, LedgerAccountRef.PayoutsPaid, paid, Sum(LedgerAccountRef.PayoutsPaid), "the payouts paid");

        return new ReconciliationReport(mismatches.Count == 0, accounts, transactions, totals.Entries, totals.Debits, totals.Credits, mismatches,
            time.GetUtcNow().UtcDateTime, stopwatch.ElapsedMilliseconds);
    }

    private static void Clearing(List<LedgerMismatch> mismatches, LedgerAccountRef account, long expected, long actual, string what)
    {
        if (expected != actual)
        {
            mismatches.Add(new LedgerMismatch("clearing", account.Key, expected, actual, $"The account should hold {what}."));
        }
    }

    private async Task<IAsyncDisposable> BeginSnapshotAsync(SpotlightDb db, CancellationToken cancellationToken)
    {
        if (database.IsPostgres)
        {
            return await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        }

        // A deferred transaction takes no write lock: it reads one WAL snapshot while writers go on.
        await db.Database.OpenConnectionAsync(cancellationToken);
        var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        return new SqliteSnapshot(db, transaction);
    }

    private sealed class SqliteSnapshot(SpotlightDb db, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.UseTransactionAsync(null);
            await transaction.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record SumRow(Guid Id, long Sum, long Count);

    private sealed record AccountRow(string Key, int IsUser, long Balance, long Sum, long Debits, long Credits, long Entries);
}
