using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Admin.Pages.Money;

/// <summary>
/// The ledger's transactions, newest first, 50 a page (keyset on the id), filtered by type, user (id, handle or email)
/// and UTC days. Each row opens the transaction with its entries and, where the wallet allows, a reversal.
/// </summary>
public sealed class IndexModel(SpotlightDb db, IWalletReadModel wallet) : AdminPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<LedgerTransactionView> Results { get; private set; } = new([], null);

    public IReadOnlyDictionary<Guid, string> Handles { get; private set; } = new Dictionary<Guid, string>();

    /// <summary>The account the user filter found, shown beside the results.</summary>
    public Guid? FoundUserId { get; private set; }

    public Dictionary<string, string> FieldErrors { get; } = [];

    public List<string> Errors { get; } = [];

    public TransactionTable Table => new(Results.Items, Handles, "Transactions");

    public bool Filtered => new[] { Type, UserFilter, From, To }.Any(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>The filters as a query string, for the pager.</summary>
    public string FilterQuery => string.Join('&', new[] { ("type", Type), ("user", UserFilter), ("from", From), ("to", To) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!.Trim())}"));

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var type = string.IsNullOrWhiteSpace(Type) ? null : Type.Trim();
        if (type is not null && !TransactionType.All.Contains(type))
        {
            FieldErrors["type"] = "Choose a type from the list.";
        }

        var from = Day("from", From);
        var to = Day("to", To)?.AddDays(1);
        if (from is not null && to is not null && from >= to)
        {
            FieldErrors["to"] = "The end date is before the start date.";
        }

        if (!string.IsNullOrWhiteSpace(UserFilter))
        {
            if (UserFilter.Length > 320)
            {
                FieldErrors["user"] = "At most 320 characters.";
            }
            else if (await UserLookup.FindAsync(db, UserFilter, cancellationToken) is { } found)
            {
                FoundUserId = found;
            }
            else
            {
                FieldErrors["user"] = $"No account has the id, handle or email “{UserFilter.Trim()}”.";
            }
        }

        if (FieldErrors.Count > 0)
        {
            Errors.AddRange(FieldErrors.Select(e => $"{Label(e.Key)}: {e.Value}"));
            return;
        }

        if (!PageRequest.TryParse(PageSize, Cursor, out var page, out _))
        {
            Errors.Add("This page link is no longer valid. Start from the first page.");
            return;
        }

        Results = await wallet.ListTransactionsAsync(new TransactionFilter(type, FoundUserId, from, to), page, cancellationToken);
        Handles = await UserLookup.HandlesAsync(db, MoneyText.People(Results.Items).Append(FoundUserId), cancellationToken);
    }

    private DateTime? Day(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTime.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return DateTime.SpecifyKind(day, DateTimeKind.Utc);
        }

        FieldErrors[field] = "Use a date as YYYY-MM-DD.";
        return null;
    }

    private static string Label(string field) => field switch
    {
        "type" => "Type",
        "user" => "User",
        "from" => "From",
        _ => "To",
    };
}
