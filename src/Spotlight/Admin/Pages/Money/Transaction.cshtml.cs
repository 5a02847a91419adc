using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Events;
using Spotlight.Wallet;
using Spotlight.Wallet.Administration;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Admin.Pages.Money;

/// <summary>
/// One ledger transaction: its entries (which must sum to zero), what it reverses or was reversed by, and the reversal
/// form. Reversing calls the API's own handler (<see cref="WalletAdminApi.Reverse"/>), so the rules, the audit entry and
/// the event are the wallet's.
/// </summary>
public sealed class TransactionModel(
    SpotlightDb db, IWalletReadModel wallet, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics) : AdminPage
{
    [BindProperty(SupportsGet = true)]
    public Guid TransactionId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public bool AllowNegative { get; set; }

    public LedgerTransactionView? Transaction { get; private set; }

    public IReadOnlyDictionary<Guid, string> Handles { get; private set; } = new Dictionary<Guid, string>();

    public List<string> Errors { get; } = [];

    /// <summary>The reversal failed: its form opens again with what was typed.</summary>
    public bool ReverseFailed { get; private set; }

    /// <summary>The failure was a balance that would go below zero: the form points at "allow a negative balance".</summary>
    public bool WouldGoNegative { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Missing();

    public async Task<IActionResult> OnPostReverseAsync()
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return await FailAsync("Give a reason for the reversal: it is kept with the transaction and in the audit log.");
        }

        var result = (await WalletAdminApi.Reverse(TransactionId, new ReverseRequest(reason, AllowNegative), User, db, ledger, audit, events, metrics)).Result;
        if (ApiOutcome.IsNotFound(result))
        {
            return Missing();
        }

        if (result is ProblemHttpResult { ProblemDetails.Extensions: var extensions } && extensions.TryGetValue("code", out var code) && code as string == "negative_balance")
        {
            WouldGoNegative = true;
        }

        if (ApiOutcome.Error(result) is { } error)
        {
            return await FailAsync("The transaction was not reversed: " + error);
        }

        var reversal = ((Created<ReversalResponse>)result).Value!;
        Flash($"Reversed: the reversal {reversal.TransactionId} posted the opposite entries{(reversal.AllowNegative ? ", allowing a negative balance" : "")}.");
        return RedirectToPage(new { transactionId = TransactionId });
    }

    private async Task<IActionResult> FailAsync(string message)
    {
        ReverseFailed = true;
        Errors.Add(message);
        db.ChangeTracker.Clear();
        return await LoadAsync() ? Page() : Missing();
    }

    private IActionResult Missing()
    {
        Transaction = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        Transaction = await wallet.GetTransactionAsync(TransactionId, HttpContext.RequestAborted);
        if (Transaction is null)
        {
            return false;
        }

        Handles = await UserLookup.HandlesAsync(db, MoneyText.People([Transaction]), HttpContext.RequestAborted);
        return true;
    }
}
