using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Moderation;
using Spotlight.Moderation.Queue;
using Spotlight.Moderation.Reports;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin.Pages.Moderation;

/// <summary>
/// The moderation queue: one item per reported target with its count, reasons, the content itself (text as text, media as
/// images from this server only) and the author's earlier cases; a decision per item or one for several selected items.
/// Decisions go through the API's own handler (<see cref="ResolveCase"/>): same rules, audit entries and notifications.
/// Moderators and admins may open it; nothing here shows money.
/// </summary>
public sealed class IndexModel(ModerationQueue queue, ResolveCase resolve) : AdminPage
{
    public const int PageSize = 20;
    private const int HistorySize = 5;

    public static readonly (string Value, string Label)[] Tabs = [(CaseStatus.Open, "Open"), (CaseStatus.Resolved, "Resolved")];

    public static readonly (string Value, string Label)[] Actions =
    [
        (ModerationActions.Dismiss, "Dismiss (no rule broken)"), (ModerationActions.Hide, "Hide the content"), (ModerationActions.Remove, "Remove the content"),
        (ModerationActions.Warn, "Warn the author"), (ModerationActions.Suspend, "Suspend the author"), (ModerationActions.Ban, "Ban the author"),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty]
    public string? Decision { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int? Days { get; set; }

    [BindProperty]
    public List<Guid> Ids { get; set; } = [];

    public Page<ReportCaseResponse> Results { get; private set; } = new([], null);

    /// <summary>Each listed author's earlier cases, newest first.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<ReportCaseResponse>> History { get; private set; } = new Dictionary<Guid, IReadOnlyList<ReportCaseResponse>>();

    public List<string> Errors { get; } = [];

    /// <summary>The item whose decision failed: its form opens again with what was typed.</summary>
    public Guid? FailedItem { get; private set; }

    public string CurrentStatus => Tabs.Any(t => t.Value == Status) ? Status! : CaseStatus.Open;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostResolveAsync(Guid id)
    {
        var outcome = await resolve.HandleAsync(ModeratorOf(), id, new ResolveRequest(Decision, Reason, DaysFor(Decision)), HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            FailedItem = id;
            return await FailAsync($"The decision was not applied: {refusal.Detail}");
        }

        Flash($"Decided: {Label(Decision)}. The author and the reporters are told.");
        return Redirect("/admin/moderation");
    }

    public async Task<IActionResult> OnPostBulkAsync()
    {
        var outcome = await resolve.HandleAsync(ModeratorOf(), new BulkResolveRequest([.. Ids], Decision, Reason, DaysFor(Decision)), HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            return await FailAsync(Ids.Count == 0 ? "Select at least one item for the decision." : $"Nothing was decided: {refusal.Detail}");
        }

        var items = outcome.Value!.Items;
        var done = items.Count(i => i.Resolved);
        var failed = items.Where(i => !i.Resolved).ToList();
        Flash($"Decided {done} of {items.Count} items: {Label(Decision)}." + (failed.Count == 0 ? "" : " Not decided: " + string.Join("; ", failed.Select(f => f.Detail))));
        return Redirect("/admin/moderation");
    }

    /// <summary>Days go only with a suspension: a days field left filled in for another action is ignored, not refused.</summary>
    private int? DaysFor(string? decision) => decision == ModerationActions.Suspend ? Days : null;

    private Spotlight.Moderation.Queue.Moderator ModeratorOf() => new(CurrentUserId, IsAdmin);

    public static string Label(string? action) => Actions.FirstOrDefault(a => a.Value == action).Label ?? action ?? "";

    /// <summary>Only this server's media paths are shown, as images: nothing from a snapshot becomes markup or reaches another host.</summary>
    public static bool IsShowable(string url) => url.StartsWith("/api/v1/media/", StringComparison.Ordinal) || url.StartsWith("/media/", StringComparison.Ordinal);

    private async Task<IActionResult> FailAsync(string message)
    {
        Errors.Add(message);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var page = await queue.PageAsync(CurrentStatus, PageSize, Cursor, HttpContext.RequestAborted);
        if (page.Refusal is not null)
        {
            Errors.Add("This page link is no longer valid. Start from the first page.");
            return;
        }

        Results = page.Value!;
        var history = new Dictionary<Guid, IReadOnlyList<ReportCaseResponse>>();
        foreach (var author in Results.Items.Where(c => c.Author is not null).Select(c => c.Author!.Id).Distinct())
        {
            history[author] = await queue.AuthorHistoryAsync(author, null, HistorySize + PageSize, HttpContext.RequestAborted);
        }

        History = history;
    }

    /// <summary>The author's cases other than this one (at most five).</summary>
    public IEnumerable<ReportCaseResponse> EarlierCases(ReportCaseResponse item) =>
        item.Author is { } author && History.TryGetValue(author.Id, out var cases) ? cases.Where(c => c.Id != item.Id).Take(HistorySize) : [];
}
