using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.Lives;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Live;

/// <summary>
/// The console's Lives pages over HTTP: each live on with the coins gifted in it and the open reports on its creator;
/// a moderator ends a live there; a live's page says when LiveKit cannot list who is in the room.
/// </summary>
public sealed class LivePageTests(LeaderboardApp app) : IClassFixture<LeaderboardApp>
{
    [Fact]
    public async Task The_live_page_shows_each_live_with_the_coins_gifted_in_it_and_the_open_reports_on_its_creator()
    {
        var creator = await app.CreatorAsync();
        var live = (await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Gifts night" })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, 1_000);
        foreach (var (coins, inLive) in new[] { (30, (Guid?)live), (20, live), (5, null) })
        {
            await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = coins, liveSessionId = inLive })).ShouldBeAsync(HttpStatusCode.Created);
        }

        await (await ReportAsync(await app.CreateUserAsync(), "user", creator.Id, "spam")).ShouldBeAsync(HttpStatusCode.Created);
        await (await ReportAsync(await app.CreateUserAsync(), "user", creator.Id, "scam")).ShouldBeAsync(HttpStatusCode.Created);
        await DrainedAsync();
        var console = await ConsoleClient.SignInAsync(app, await app.CreateUserAsync("moderator"));

        var page = await console.GetPageAsync("/admin/lives");

        var row = page.QuerySelector($"[data-live='{live}']")!;
        Assert.Contains("@" + creator.Handle, row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Gifts night", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("0", row.QuerySelector("[data-testid=viewer-count]")!.TextContent.Trim());
        Assert.Equal("50", row.QuerySelector("[data-testid=coins-gifted]")!.TextContent.Trim());
        Assert.Equal("2 reports", row.QuerySelector("[data-testid=open-reports]")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("nav a[href='/admin/lives'][aria-current=page]"));
        var detail = await console.GetPageAsync($"/admin/lives/{live}");
        Assert.Equal("50", detail.QuerySelector("[data-testid=coins-gifted]")!.TextContent.Trim());
        Assert.StartsWith("2 in 1 open case", detail.QuerySelector("[data-testid=open-reports]")!.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_moderator_ends_a_live_from_the_live_page()
    {
        var creator = await app.CreatorAsync();
        var live = (await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "To end" })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var moderator = await app.CreateUserAsync("moderator");
        var console = await ConsoleClient.SignInAsync(app, moderator);

        var done = await console.SubmitAsync("/admin/lives", $"[data-live='{live}'] form", []);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var ended = await app.WithDbAsync(db => db.Set<LiveSession>().AsNoTracking().SingleAsync(l => l.Id == live));
        Assert.Equal((LiveStatus.Ended, LiveEndReason.Moderator, (Guid?)moderator.Id), (ended.Status, ended.EndReason, ended.EndedBy));
        var page = await console.GetPageAsync("/admin/lives");
        Assert.Contains("“To end” by @" + creator.Handle + " has ended", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector($"[data-live='{live}']"));
        var gone = await console.GetPageAsync($"/admin/lives/{Guid.CreateVersion7()}", HttpStatusCode.NotFound);
        Assert.Contains("No such live", gone.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lives_page_says_when_LiveKit_cannot_list_who_is_in_the_room()
    {
        var creator = await app.CreatorAsync();
        var live = (await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Unlisted" })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var console = await ConsoleClient.SignInAsync(app, await app.CreateUserAsync("moderator"));

        var page = await console.GetPageAsync($"/admin/lives/{live}"); // LiveKit:Url points at a closed port here

        Assert.StartsWith("LiveKit could not be asked who is in the room", page.QuerySelector("[data-testid=participants-unavailable]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("form button.danger")); // the live can still be ended
    }

    private async Task DrainedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null && m.DeadAt == null)) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The outbox did not drain in 15 s.");
            await Task.Delay(100);
        }
    }
}
