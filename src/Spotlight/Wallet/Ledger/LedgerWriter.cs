using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Spotlight.Data;
using Spotlight.Platform;

namespace Spotlight.Wallet.Ledger;

/// <summary>One account's side of a movement being posted: positive credits the account, negative debits it.</summary>
public sealed record Posting(LedgerAccountRef Account, long Amount, Guid? CounterpartyId = null);

/// <summary>What posting a transaction came to.</summary>
public abstract record PostResult
{
    private PostResult()
    {
    }

    /// <summary>The transaction and its entries are in the unit of work; the caller saves and commits.</summary>
    public sealed record Posted(LedgerTransaction Transaction, IReadOnlyList<LedgerEntry> Entries) : PostResult
    {
        public long? BalanceAfter(LedgerAccountRef account) => Entries.FirstOrDefault(e => e.AccountId == account.Id)?.BalanceAfter;
    }

    /// <summary>A debit would have taken a user account below zero; the database transaction was rolled back.</summary>
    public sealed record InsufficientFunds(LedgerAccountRef Account) : PostResult;
}

/// <summary>
/// Posts double-entry transactions. Stored balances of user accounts move with one statement each, in one fixed order:
/// wallets before earnings, each kind in ascending account id (so two transactions touching the same accounts always
/// lock them in the same order and cannot deadlock). Earnings last keeps a popular creator's row, which every gift to
/// them credits, locked for as short a time as possible: from its credit to the commit, never across the sender's debit;
/// a debit is a conditional update that only applies while the balance covers it, which holds under any interleaving on
/// both SQLite and PostgreSQL. Platform accounts get entries only. The caller owns the database transaction.
/// A test build can fail a movement right after its balances moved (fault point <c>wallet.after-debit</c>), to prove
/// that the caller's transaction leaves nothing half done; in the product the injector does nothing.
/// </summary>
public sealed class LedgerWriter(PlatformAccounts platformAccounts, TimeProvider time, IFaultInjector faults)
{
    public const string AfterDebitFaultPoint = "wallet.after-debit";

    /// <summary>
    /// Begins the database transaction a movement is posted in. The platform accounts are created first, on a connection
    /// of their own: inside the transaction they would wait on its own write lock (SQLite) or vanish with a rollback.
    /// </summary>
    public async Task<IDbContextTransaction> BeginAsync(SpotlightDb db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await platformAccounts.EnsureAsync(cancellationToken);
        return await db.Database.BeginTransactionAsync(cancellationToken);
    }

    public async Task<PostResult> PostAsync(
        SpotlightDb db, LedgerTransaction transaction, IEnumerable<Posting> postings, bool allowNegative = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(transaction);
        var databaseTransaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Post ledger transactions inside a database transaction (LedgerWriter.BeginAsync), with the change that causes them.");

        var lines = postings
            .GroupBy(p => p.Account.Id)
            .Select(g => new Posting(g.First().Account, g.Sum(p => p.Amount), g.Select(p => p.CounterpartyId).FirstOrDefault(c => c is not null)))
            .Where(p => p.Amount != 0)
            .OrderBy(p => p.Account.Kind == AccountKind.Wallet ? 0 : 1)
            .ThenBy(p => p.Account.Id)
            .ToList();
        if (lines.Count < 2 || lines.Sum(p => p.Amount) != 0)
        {
            throw new InvalidOperationException($"A ledger transaction needs two or more entries that sum to zero ({transaction.Type}: {string.Join(", ", lines.Select(l => l.Amount))}).");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (transaction.CreatedAt == default)
        {
            transaction.CreatedAt = now;
        }

        var entries = new List<LedgerEntry>(lines.Count);
        foreach (var line in lines)
        {
            long? balanceAfter = null;
            if (line.Account.HasStoredBalance)
            {
                balanceAfter = line.Amount < 0 && !allowNegative
                    ? await DebitAsync(db, line.Account.Id, -line.Amount, cancellationToken)
                    : await UpsertAsync(db, line.Account, line.Amount, now, cancellationToken);
                if (balanceAfter is null)
                {
                    await databaseTransaction.RollbackAsync(cancellationToken);
                    return new PostResult.InsufficientFunds(line.Account);
                }
            }

            entries.Add(new LedgerEntry
            {
                TransactionId = transaction.Id, AccountId = line.Account.Id, Amount = line.Amount, BalanceAfter = balanceAfter,
                CounterpartyId = line.CounterpartyId, Type = transaction.Type, CreatedAt = transaction.CreatedAt,
            });
        }

        faults.At(AfterDebitFaultPoint);
        db.Add(transaction);
        db.AddRange(entries);
        return new PostResult.Posted(transaction, entries);
    }

    private static async Task<long?> DebitAsync(SpotlightDb db, Guid accountId, long amount, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<long>($"""
            UPDATE ledger_accounts SET "Balance" = "Balance" - {amount}
            WHERE "Id" = {accountId} AND "Balance" >= {amount}
            RETURNING "Balance" AS "Value"
            """).ToListAsync(cancellationToken);
        return rows.Count == 1 ? rows[0] : null;
    }

    private static async Task<long?> UpsertAsync(SpotlightDb db, LedgerAccountRef account, long amount, DateTime now, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<long>($"""
            INSERT INTO ledger_accounts ("Id", "Kind", "OwnerId", "Key", "Balance", "CreatedAt")
            VALUES ({account.Id}, {account.Kind}, {account.OwnerId}, {account.Key}, {amount}, {now})
            ON CONFLICT ("Id") DO UPDATE SET "Balance" = ledger_accounts."Balance" + excluded."Balance"
            RETURNING "Balance" AS "Value"
            """).ToListAsync(cancellationToken);
        return rows[0];
    }
}

/// <summary>Creates the platform's accounts once per process, outside any caller's transaction (a rollback must not undo them).</summary>
public sealed class PlatformAccounts(IServiceScopeFactory scopes, IEnumerable<Topups.IPaymentProvider> providers, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private volatile bool _ensured;

    public IReadOnlyList<LedgerAccountRef> All =>
    [
        LedgerAccountRef.Revenue, LedgerAccountRef.ProcessorFees, LedgerAccountRef.PayoutClearing, LedgerAccountRef.PayoutsPaid,
        LedgerAccountRef.Adjustments, .. providers.Select(p => LedgerAccountRef.TopupClearing(p.Name)),
    ];

    public void Dispose() => _once.Dispose();

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ensured)
        {
            return;
        }

        await _once.WaitAsync(cancellationToken);
        try
        {
            if (_ensured)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var account in All)
            {
                // Other nodes may be doing the same at this moment: a conflict means the account exists.
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO ledger_accounts ("Id", "Kind", "OwnerId", "Key", "Balance", "CreatedAt")
                    VALUES ({account.Id}, {account.Kind}, NULL, {account.Key}, 0, {now})
                    ON CONFLICT ("Id") DO NOTHING
                    """, cancellationToken);
            }

            _ensured = true;
        }
        finally
        {
            _once.Release();
        }
    }
}
