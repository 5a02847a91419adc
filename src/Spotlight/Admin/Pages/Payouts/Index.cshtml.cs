using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;
using Spotlight.Wallet.Payouts;

namespace Spotlight.Admin.Pages.Payouts;

/// <summary>
/// Creators' payouts: the pending queue first (requested, and approved ones whose provider failed, to retry), or paid,
/// rejected, all. Approve and reject are the wallet's own use cases (<see cref="ApprovePayout"/>, <see cref="RejectPayout"/>),
/// as for the API: the state machine, ledger postings, audit entries and events are theirs; the page shows their outcome.
/// </summary>
public sealed class IndexModel(SpotlightDb db, IWalletReadModel wallet, ApprovePayout approve, RejectPayout reject) : AdminPage
{
    public const int PageSize = 50;

    public static readonly (string Value, string Label)[] Statuses =
        [("pending", "Pending"), (PayoutStatus.Paid, "Paid"), (PayoutStatus.Rejected, "Rejected"), ("all", "All")];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Page<PayoutLine> Results { get; private set; } = new([], null);

    public IReadOnlyDictionary<Guid, string> Handles { get; private set; } = new Dictionary<Guid, string>();

    /// <summary>Each listed creator's withdrawable earnings now.</summary>
    public IReadOnlyDictionary<Guid, long> Earnings { get; private set; } = new Dictionary<Guid, long>();

    public List<string> Errors { get; } = [];

    /// <summary>The action that failed, as "approve:{id}" or "reject:{id}": its form opens again with the reason typed.</summary>
    public string? FailedAction { get; private set; }

    public string CurrentStatus => Statuses.Any(s => s.Value == Status) ? Status! : "pending";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostApproveAsync(Guid id)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var outcome = await approve.HandleAsync(User.UserId(), id, HttpContext.RequestAborted);
        return await AfterAsync(outcome, $"approve:{id}", payout => $"Paid {MoneyText.Coins(payout.Amount)} coins to {Creator(payout.CreatorId)} through {approve.ProviderName} (reference {payout.ProviderReference}).");
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return await FailAsync($"reject:{id}", "Give a reason for the rejection: the creator sees it, and it is kept in the audit log.");
        }

        var outcome = await reject.HandleAsync(User.UserId(), id, new RejectPayoutRequest(reason), HttpContext.RequestAborted);
        return await AfterAsync(outcome, $"reject:{id}", payout => $"Rejected the payout of {MoneyText.Coins(payout.Amount)} coins; they are back in {Creator(payout.CreatorId)}'s earnings.");
    }

    private async Task<IActionResult> AfterAsync(Outcome<PayoutResponse> outcome, string action, Func<PayoutResponse, string> done)
    {
        if (outcome.Value is { } payout)
        {
            Handles = await UserLookup.HandlesAsync(db, [payout.CreatorId], HttpContext.RequestAborted);
            Flash(done(payout));
            return Redirect("/admin/payouts" + (Status is null ? "" : "?status=" + Uri.EscapeDataString(CurrentStatus)));
        }

        var verb = action.StartsWith("approve", StringComparison.Ordinal) ? "approved" : "rejected";
        return await FailAsync(action, $"The payout was not {verb}: {outcome.Refusal!.Explain()}");
    }

    private async Task<IActionResult> FailAsync(string action, string message)
    {
        FailedAction = action;
        Errors.Add(message);
        db.ChangeTracker.Clear();
        await LoadAsync();
        return Page();
    }

    public string Creator(Guid creatorId) => MoneyText.Handle(creatorId, Handles);

    private async Task LoadAsync()
    {
        if (!PageRequest.TryParse(PageSize, Cursor, out var page, out _))
        {
            Errors.Add("This page link is no longer valid. Start from the first page.");
            return;
        }

        var status = CurrentStatus == "all" ? null : CurrentStatus;
        Results = await wallet.ListPayoutsAsync(status, page, HttpContext.RequestAborted);
        var creators = Results.Items.Select(p => p.CreatorId).Distinct().ToList();
        Handles = await UserLookup.HandlesAsync(db, creators.Select(c => (Guid?)c).Concat(Results.Items.Select(p => p.DecidedBy)), HttpContext.RequestAborted);
        Earnings = await wallet.GetEarningsAsync(creators, HttpContext.RequestAborted);
    }
}
