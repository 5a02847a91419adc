using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Spotlight.Live.LiveKit;
using Spotlight.Live.Lives;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>The console's Lives pages in Chromium: a moderator sees the lives on with their viewers, kicks a viewer from a live's room, and ends a live.</summary>
public sealed class LiveBrowserTests(LiveBrowserApp app) : BrowserTest(app), IClassFixture<LiveBrowserApp>
{
    [BrowserFact(needsAxe: true)]
    public async Task A_moderator_sees_a_live_with_its_viewers_kicks_a_viewer_and_ends_the_live()
    {
        var (moderator, creator, viewer) = (await App.CreateUserAsync(roles: "moderator"), await App.CreateUserAsync(roles: "creator"), await App.CreateUserAsync());
        var id = (await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Late night jazz" })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var room = await App.WithDbAsync(async db =>
        {
            await db.Set<LiveSession>().Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ViewerCount, 2));
            return await db.Set<LiveSession>().Where(l => l.Id == id).Select(l => l.RoomName).SingleAsync();
        });
        app.RoomService.Rooms[room] = [creator.Id.ToString(), viewer.Id.ToString(), "recorder-bot"];

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, moderator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Lives" }).ClickAsync();
        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin/lives");
        var row = page.Locator($"[data-live='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("@" + creator.Handle);
        await Assertions.Expect(row.GetByTestId("viewer-count")).ToHaveTextAsync("2");
        await Assertions.Expect(row.GetByTestId("coins-gifted")).ToHaveTextAsync("0");
        await Assertions.Expect(row.GetByTestId("open-reports")).ToHaveTextAsync("none");
        await BrowserApp.ScreenshotAsync(page, "lives");

        await row.GetByRole(AriaRole.Link, new() { Name = "Late night jazz" }).ClickAsync();
        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin/lives/{id}");
        var inRoom = page.GetByTestId("participants");
        await Assertions.Expect(inRoom.Locator("tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(inRoom).ToContainTextAsync("not a Spotlight account");
        var viewerRow = inRoom.Locator($"[data-identity='{viewer.Id}']");
        await viewerRow.GetByText($"Kick @{viewer.Handle}…").ClickAsync();
        await BrowserApp.ScreenshotAsync(page, "live-kick-confirm");
        await viewerRow.GetByRole(AriaRole.Button, new() { Name = $"Confirm: kick @{viewer.Handle}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"@{viewer.Handle} was kicked from this live");
        await Assertions.Expect(inRoom.Locator($"[data-identity='{viewer.Id}']")).ToHaveCountAsync(0);
        Assert.Contains(app.RoomService.Calls, c => c == $"RemoveParticipant {room} {viewer.Id}");
        await (await viewer.Client.PostAsync($"/api/v1/live/{id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "kicked");

        var problems = new List<string>();
        var axePage = await App.NewPageAsync(bypassCsp: true);
        await App.SignInAsync(axePage, moderator);
        await axePage.GotoAsync($"/admin/lives/{id}");
        await AccessibilityTests.RunAxeAsync(axePage, "live-detail", problems);
        await axePage.GotoAsync("/admin/lives");
        await AccessibilityTests.RunAxeAsync(axePage, "lives", problems);

        await page.GetByRole(AriaRole.Link, new() { Name = "Lives", Exact = true }).First.ClickAsync();
        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin/lives");
        await row.GetByText("End this live…").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm: end the live" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("“Late night jazz” by @" + creator.Handle + " has ended");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        var ended = await (await App.CreateClient().GetAsync($"/api/v1/live/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Contains(app.RoomService.Calls, c => c == $"DeleteRoom {room} ");
        Assert.DoesNotContain(App.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));

        await axePage.GotoAsync("/admin/lives");
        await AccessibilityTests.RunAxeAsync(axePage, "lives-ended", problems);
        Assert.True(problems.Count == 0, "axe found:\n" + string.Join("\n", problems));
    }
}

/// <summary>The browser tests' server with LiveKit configured, its RoomService answered in process by <see cref="FakeRoomService"/>.</summary>
public sealed class LiveBrowserApp : BrowserApp
{
    public FakeRoomService RoomService { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["LiveKit:Url"] = "ws://127.0.0.1:9",
        ["LiveKit:ApiKey"] = "APIspotlightBrowser",
        ["LiveKit:ApiSecret"] = "spotlight-browser-secret-0123456789abcdefghij",
    };

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddHttpClient<LiveKitRoomService>().ConfigurePrimaryHttpMessageHandler(() => RoomService);
}

/// <summary>LiveKit's Twirp RoomService as far as the console uses it: rooms by name with their identities, and the calls made (<c>method room identity</c>).</summary>
public sealed class FakeRoomService : HttpMessageHandler
{
    public ConcurrentDictionary<string, List<string>> Rooms { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri!.Segments[^1];
        using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        var room = body.RootElement.GetProperty("room").GetString()!;
        var identity = body.RootElement.TryGetProperty("identity", out var sent) ? sent.GetString() : "";
        Calls.Enqueue($"{method} {room} {identity}");
        if (!Rooms.TryGetValue(room, out var participants))
        {
            return Answer(HttpStatusCode.NotFound, new { code = "not_found", msg = "room not found" });
        }

        lock (participants)
        {
            switch (method)
            {
                case "ListParticipants":
                    return Answer(HttpStatusCode.OK, new { participants = participants.Select(p => new { identity = p, sid = "PA_" + p, name = p, state = "ACTIVE" }) });
                case "RemoveParticipant":
                    return participants.Remove(identity!) ? Answer(HttpStatusCode.OK, new { }) : Answer(HttpStatusCode.NotFound, new { code = "not_found", msg = "participant not found" });
                case "DeleteRoom":
                    Rooms.TryRemove(room, out _);
                    return Answer(HttpStatusCode.OK, new { });
                default:
                    return Answer(HttpStatusCode.NotFound, new { code = "bad_route", msg = "no such method" });
            }
        }
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
}
