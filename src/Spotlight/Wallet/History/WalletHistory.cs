using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.History;

internal sealed record WalletResponse(long Balance, string Currency);

/// <summary>One line of an account's history: the transaction as this account saw it.</summary>
public sealed record TransactionLine(Guid Id, string Type, long Amount, long? BalanceAfter, Guid? CounterpartyId, DateTime CreatedAt, string? Note, Guid? ReversesId);

/// <summary>A creator's earnings: the withdrawable balance and its history, newest first.</summary>
internal sealed record EarningsResponse(long Balance, string Currency, IReadOnlyList<TransactionLine> Items, string? NextCursor);

/// <summary>The reads of a user's own money: the wallet's balance and history, one transaction, the earnings and their history.</summary>
internal sealed class WalletHistory(SpotlightDb db)
{
    public const string Currency = "coin";

    public async Task<WalletResponse> WalletAsync(Guid userId) => new(await BalanceAsync(db, LedgerAccountRef.Wallet(userId)), Currency);

    public Task<Page<TransactionLine>> TransactionsAsync(Guid userId, PageRequest page) => HistoryAsync(db, LedgerAccountRef.Wallet(userId), page);

    /// <summary>Only a transaction with an entry on one of the user's own accounts is theirs to see.</summary>
    public async Task<Outcome<TransactionLine>> TransactionAsync(Guid userId, Guid id)
    {
        var accounts = new[] { LedgerAccountRef.Wallet(userId).Id, LedgerAccountRef.Earnings(userId).Id };
        var line = await Lines(db, db.Set<LedgerEntry>().Where(e => e.TransactionId == id && accounts.Contains(e.AccountId)).OrderBy(e => e.AccountId).Take(1))
            .FirstOrDefaultAsync();
        return line is null ? Refusal.NotFound("You have no transaction with this id.") : line;
    }

    public async Task<EarningsResponse> EarningsAsync(Guid userId, PageRequest page)
    {
        var account = LedgerAccountRef.Earnings(userId);
        var history = await HistoryAsync(db, account, page);
        return new EarningsResponse(await BalanceAsync(db, account), Currency, history.Items, history.NextCursor);
    }

    internal static async Task<long> BalanceAsync(SpotlightDb db, LedgerAccountRef account) =>
        await db.Set<LedgerAccount>().Where(a => a.Id == account.Id).Select(a => (long?)a.Balance).FirstOrDefaultAsync() ?? 0;

    internal static async Task<Page<TransactionLine>> HistoryAsync(SpotlightDb db, LedgerAccountRef account, PageRequest page)
    {
        var entries = db.Set<LedgerEntry>().Where(e => e.AccountId == account.Id);
        if (page.After is { } after)
        {
            entries = entries.Where(e => e.TransactionId.CompareTo(after) < 0);
        }

        var rows = await Lines(db, entries.OrderByDescending(e => e.TransactionId).Take(page.Limit + 1)).ToListAsync();
        return page.ToPage(rows.OrderByDescending(r => r.Id).ToList(), r => r.Id, r => r);
    }

    private static IQueryable<TransactionLine> Lines(SpotlightDb db, IQueryable<LedgerEntry> entries) =>
        entries.AsNoTracking().Join(db.Set<LedgerTransaction>(), e => e.TransactionId, t => t.Id, (e, t) =>
            new TransactionLine(e.TransactionId, e.Type, e.Amount, e.BalanceAfter, e.CounterpartyId, e.CreatedAt, t.Memo, t.ReversesId));
}
