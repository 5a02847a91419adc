using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Live.Lives;
using Spotlight.Moderation.Queue;
using Spotlight.Platform.Errors;

namespace Spotlight.Admin.Pages.Lives;

/// <summary>
/// One live: its facts, the open reports on its creator, and while it is on, who is in its LiveKit room
/// (<see cref="ReadLiveViewers"/>: LiveKit's <c>ListParticipants</c>; without LiveKit configured the page says so). A
/// moderator or admin ends the live or kicks a viewer here, through the API's own handlers (<see cref="EndLive"/>,
/// <see cref="KickViewer"/>): same rules, audit entries and events.
/// </summary>
public sealed class DetailModel(ReadLiveViewers read, ModerationQueue moderation) : AdminPage
{
    [BindProperty(SupportsGet = true)]
    public Guid LiveId { get; set; }

    public StaffLiveDetail? Detail { get; private set; }

    public CreatorReports? Reports { get; private set; }

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Missing();

    public async Task<IActionResult> OnPostEndAsync([FromServices] EndLive end)
    {
        var outcome = await end.HandleAsync(CurrentUserId, LiveId, HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            return await FailAsync(refusal, "The live was not ended");
        }

        Flash(IndexModel.Ended(outcome.Value!));
        return RedirectToPage(new { liveId = LiveId });
    }

    public async Task<IActionResult> OnPostKickAsync(Guid userId, [FromServices] KickViewer kick)
    {
        var outcome = await kick.HandleAsync(CurrentUserId, LiveId, userId, HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            return await FailAsync(refusal, "The viewer was not kicked");
        }

        var name = "@" + outcome.Value!.Handle;
        Flash(outcome.Value.Livekit == "unavailable"
            ? $"{name} was kicked and cannot join this live again, but LiveKit could not be reached: they are disconnected when they next join the room."
            : $"{name} was kicked from this live and cannot join it again.");
        return RedirectToPage(new { liveId = LiveId });
    }

    private async Task<IActionResult> FailAsync(Refusal refusal, string what)
    {
        if (refusal.Status == StatusCodes.Status404NotFound && refusal.Detail.StartsWith("No live", StringComparison.Ordinal))
        {
            return Missing();
        }

        Errors.Add($"{what}: {refusal.Explain()}");
        return await LoadAsync() ? Page() : Missing();
    }

    /// <summary>A 404 that still looks like the console, with a way back.</summary>
    private IActionResult Missing()
    {
        Detail = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var outcome = await read.HandleAsync(CurrentUserId, LiveId, HttpContext.RequestAborted);
        if (outcome.Value is not { } detail)
        {
            return false;
        }

        Detail = detail;
        if (detail.Live.Creator is { } creator)
        {
            Reports = (await IndexModel.OpenReportsAsync(moderation, [creator.Id], HttpContext.RequestAborted))[creator.Id];
        }

        return true;
    }
}
