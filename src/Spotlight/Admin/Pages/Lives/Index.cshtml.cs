using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Live.Lives;
using Spotlight.Moderation.Queue;

namespace Spotlight.Admin.Pages.Lives;

/// <summary>
/// The lives on now: creator, title, start, viewers, coins gifted in the live (its <c>live:{id}</c> leaderboard) and the
/// open reports on its creator (Moderation's <see cref="ModerationQueue"/>: a live cannot be reported on its own yet, so
/// the count is of open reports about the creator's account and content). A moderator or admin ends a live here, through
/// the API's own handler (<see cref="EndLive"/>, reason <c>moderator</c>).
/// </summary>
public sealed class IndexModel(ListLivesOnAir lives, ModerationQueue moderation) : AdminPage
{
    public IReadOnlyList<StaffLive> Lives { get; private set; } = [];

    /// <summary>Open reports on each listed creator (their account and content): cases and the reports in them.</summary>
    public IReadOnlyDictionary<Guid, CreatorReports> Reports { get; private set; } = new Dictionary<Guid, CreatorReports>();

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostEndAsync(Guid id, [FromServices] EndLive end)
    {
        var outcome = await end.HandleAsync(CurrentUserId, id, HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            Errors.Add($"The live was not ended: {refusal.Explain()}");
            await LoadAsync();
            return Page();
        }

        Flash(Ended(outcome.Value!));
        return Redirect("/admin/lives");
    }

    /// <summary>What the flash says once a live is ended (its watchers hear <c>liveEnded</c> with reason <c>moderator</c>).</summary>
    public static string Ended(LiveResponse live) =>
        $"The live “{live.Title}”{(live.Creator is { } c ? " by @" + c.Handle : "")} has ended. Its watchers were told, and its LiveKit room is closed.";

    /// <summary>Open reports about each creator's account and content, from Moderation's queue (at most <paramref name="scan"/> recent cases each).</summary>
    public static async Task<IReadOnlyDictionary<Guid, CreatorReports>> OpenReportsAsync(
        ModerationQueue moderation, IEnumerable<Guid> creatorIds, CancellationToken cancellationToken, int scan = 200)
    {
        var counts = new Dictionary<Guid, CreatorReports>();
        foreach (var creator in creatorIds.Distinct())
        {
            var open = (await moderation.AuthorHistoryAsync(creator, null, scan, cancellationToken)).Where(c => c.Status == Spotlight.Moderation.Reports.CaseStatus.Open).ToList();
            counts[creator] = new CreatorReports(open.Count, open.Sum(c => c.ReportCount));
        }

        return counts;
    }

    private async Task LoadAsync()
    {
        var outcome = await lives.HandleAsync(CurrentUserId, HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            Errors.Add(refusal.Explain());
            return;
        }

        Lives = outcome.Value!;
        Reports = await OpenReportsAsync(moderation, Lives.Where(l => l.Creator is not null).Select(l => l.Creator!.Id), HttpContext.RequestAborted);
    }
}

/// <summary>Open moderation cases about a creator (their account and content) and how many reports they hold.</summary>
public sealed record CreatorReports(int Cases, int Reports);
