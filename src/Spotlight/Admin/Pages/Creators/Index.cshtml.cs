using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Identity.Creators;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin.Pages.Creators;

/// <summary>
/// Creator applications (admins): pending first, approve or reject with a reason. The decisions are Identity's own
/// (<see cref="CreatorRole"/>), as for the API: the role, the audit entry and "decided once" are theirs.
/// </summary>
public sealed class IndexModel(CreatorRole role) : AdminPage
{
    public const int PageSize = 50;

    public static readonly (string Value, string Label)[] Statuses =
        [(CreatorApplicationStatus.Pending, "Pending"), (CreatorApplicationStatus.Approved, "Approved"), (CreatorApplicationStatus.Rejected, "Rejected"), ("all", "All")];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Page<CreatorApplicationLine> Results { get; private set; } = new([], null);

    public List<string> Errors { get; } = [];

    /// <summary>The reject form that failed ("reject:{id}"): it opens again with the reason typed.</summary>
    public string? FailedAction { get; private set; }

    public string CurrentStatus => Statuses.Any(s => s.Value == Status) ? Status! : CreatorApplicationStatus.Pending;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostApproveAsync(Guid id) =>
        await AfterAsync(await role.ApproveAsync(id, User.UserId(), HttpContext.RequestAborted), $"approve:{id}", "Approved: the account is a creator now.");

    public async Task<IActionResult> OnPostRejectAsync(Guid id) =>
        await AfterAsync(await role.RejectAsync(id, User.UserId(), new RejectCreatorRequest(Reason), HttpContext.RequestAborted), $"reject:{id}", "Rejected; the applicant sees the reason.");

    private async Task<IActionResult> AfterAsync(Outcome<CreatorApplicationResponse> outcome, string action, string done)
    {
        if (outcome.Refusal is null)
        {
            Flash(done);
            return Redirect("/admin/creators" + (Status is null ? "" : "?status=" + Uri.EscapeDataString(CurrentStatus)));
        }

        FailedAction = action;
        Errors.Add($"Not {(action.StartsWith("approve", StringComparison.Ordinal) ? "approved" : "rejected")}: {outcome.Refusal.Explain()}");
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        if (!PageRequest.TryParse(PageSize, Cursor, out var page, out _))
        {
            Errors.Add("This page link is no longer valid. Start from the first page.");
            return;
        }

        Results = await role.ListAsync(CurrentStatus, page, HttpContext.RequestAborted);
    }
}
