using System.Globalization;
using Spotlight.Platform.Errors;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Admin.Money;

/// <summary>How the console writes money: whole coins with separators, signed entries, accounts by handle, types in words.</summary>
public static class MoneyText
{
    private static readonly Dictionary<string, string> TypeLabels = new(StringComparer.Ordinal)
    {
        [TransactionType.Topup] = "Top-up",
        [TransactionType.Gift] = "Gift",
        [TransactionType.Transfer] = "Transfer",
        [TransactionType.Subscription] = "Subscription",
        [TransactionType.ContentUnlock] = "Content unlock",
        [TransactionType.PayoutRequest] = "Payout requested",
        [TransactionType.PayoutPaid] = "Payout paid",
        [TransactionType.PayoutRejected] = "Payout rejected",
        [TransactionType.Adjustment] = "Adjustment",
        [TransactionType.Reversal] = "Reversal",
    };

    public static string TypeLabel(string type) => TypeLabels.GetValueOrDefault(type, type);

    public static string Coins(long amount) => amount.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An entry's amount with its sign: +85 credits the account, −85 debits it.</summary>
    public static string WithSign(long amount) => amount switch
    {
        > 0 => "+" + Coins(amount),
        < 0 => "−" + Coins(-amount),
        _ => "0",
    };

    public static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A user's account as "@handle · wallet"; a platform account by its key ("revenue", "topup_clearing:sandbox").</summary>
    public static string Account(LedgerEntryLine entry, IReadOnlyDictionary<Guid, string> handles) =>
        entry.OwnerId is { } owner ? $"{Handle(owner, handles)} · {entry.AccountKind}" : entry.AccountKey;

    public static string Handle(Guid userId, IReadOnlyDictionary<Guid, string> handles) =>
        handles.TryGetValue(userId, out var handle) ? "@" + handle : userId.ToString()[..8] + "…";

    /// <summary>Who paid and who received, for a list: users' accounts when there are any on a side, else the platform's.</summary>
    public static (string From, string To) Parties(LedgerTransactionView transaction, IReadOnlyDictionary<Guid, string> handles)
    {
        string Side(IEnumerable<LedgerEntryLine> entries)
        {
            var list = entries.ToList();
            var users = list.Where(e => e.OwnerId is not null).ToList();
            return string.Join(", ", (users.Count > 0 ? users : list).Select(e => Account(e, handles)));
        }

        return (Side(transaction.Entries.Where(e => e.Amount < 0)), Side(transaction.Entries.Where(e => e.Amount > 0)));
    }

    /// <summary>Every user a page of transactions names (owners, counterparties, initiators), to look their handles up at once.</summary>
    public static IEnumerable<Guid?> People(IEnumerable<LedgerTransactionView> transactions) =>
        transactions.SelectMany(t => t.Entries.SelectMany(e => new[] { e.OwnerId, e.CounterpartyId }).Append(t.InitiatorId));
}

/// <summary>What the transactions table partial shows: the rows, the handles of the people they name, an accessible name.</summary>
public sealed record TransactionTable(IReadOnlyList<LedgerTransactionView> Items, IReadOnlyDictionary<Guid, string> Handles, string Label);
