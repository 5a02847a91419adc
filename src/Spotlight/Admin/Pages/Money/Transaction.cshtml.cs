using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Platform.Http;
using Spotlight.Wallet;
using Spotlight.Wallet.Administration;

namespace Spotlight.Admin.Pages.Money;

/// <summary>
/// One ledger transaction: its entries (which must sum to zero), what it reverses or was reversed by, and the reversal
/// form. Reversing is the wallet's own use case (<see cref="ReverseTransaction"/>, as for the API), so the rules, the audit
/// entry and the event are the wallet's; the page shows its outcome.
/// </summary>
public sealed class TransactionModel(SpotlightDb db, IWalletReadModel wallet, ReverseTransaction reverse) : AdminPage
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

        var outcome = await reverse.HandleAsync(User.UserId(), TransactionId, new ReverseRequest(reason, AllowNegative), HttpContext.RequestAborted);
        if (outcome.Value is not { } reversal)
        {
            var refusal = outcome.Refusal!;
            if (refusal.Status == StatusCodes.Status404NotFound)
            {
                return Missing();
            }

            WouldGoNegative = refusal.Code == ReverseTransaction.NegativeBalance;
            return await FailAsync("The transaction was not reversed: " + refusal.Explain());
        }

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
