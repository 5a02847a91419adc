using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.History;

public sealed record WalletResponse(long Balance, string Currency);

/// <summary>One line of an account's history: the transaction as this account saw it.</summary>
public sealed record TransactionLine(Guid Id, string Type, long Amount, long? BalanceAfter, Guid? CounterpartyId, DateTime CreatedAt, string? Note, Guid? ReversesId);

/// <summary>A creator's earnings: the withdrawable balance and its history, newest first.</summary>
public sealed record EarningsResponse(long Balance, string Currency, IReadOnlyList<TransactionLine> Items, string? NextCursor);

internal static class WalletApi
{
    public const string Currency = "coin";

    public static async Task<Ok<WalletResponse>> GetWallet(ClaimsPrincipal caller, SpotlightDb db) =>
        TypedResults.Ok(new WalletResponse(await BalanceAsync(db, LedgerAccountRef.Wallet(caller.UserId())), Currency));

    public static async Task<Results<Ok<Page<TransactionLine>>, ValidationProblem>> Transactions(ClaimsPrincipal caller, SpotlightDb db, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await HistoryAsync(db, LedgerAccountRef.Wallet(caller.UserId()), page));
    }

    public static async Task<Results<Ok<TransactionLine>, ProblemHttpResult>> Transaction(Guid id, ClaimsPrincipal caller, SpotlightDb db)
    {
        var me = caller.UserId();
        var accounts = new[] { LedgerAccountRef.Wallet(me).Id, LedgerAccountRef.Earnings(me).Id };
        // Only a transaction with an entry on one of the caller's own accounts is theirs to see.
        var line = await Lines(db, db.Set<LedgerEntry>().Where(e => e.TransactionId == id && accounts.Contains(e.AccountId)).OrderBy(e => e.AccountId).Take(1))
            .FirstOrDefaultAsync();
        return line is null ? ApiProblem.NotFound("You have no transaction with this id.") : TypedResults.Ok(line);
    }

    public static async Task<Results<Ok<EarningsResponse>, ValidationProblem>> Earnings(ClaimsPrincipal caller, SpotlightDb db, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var account = LedgerAccountRef.Earnings(caller.UserId());
        var history = await HistoryAsync(db, account, page);
        return TypedResults.Ok(new EarningsResponse(await BalanceAsync(db, account), Currency, history.Items, history.NextCursor));
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
