using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Live;

/// <summary>
/// Lives over the hub (<c>/hubs/realtime</c>): <c>JoinLive</c> follows the same rules as <c>POST /live/{id}/join</c>, and
/// those who joined hear the viewer count (<c>liveViewers</c>, at most once a second) and the end (<c>liveEnded</c>).
/// </summary>
public sealed class LiveHubTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_block_either_way_keeps_a_user_out_of_a_lives_room()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (blockedByCreator, blockingCreator, viewer) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        (await creator.Client.PostAsync($"/api/v1/users/{blockedByCreator.Id}/block", null)).EnsureSuccessStatusCode();
        (await blockingCreator.Client.PostAsync($"/api/v1/users/{creator.Id}/block", null)).EnsureSuccessStatusCode();

        await using var blockedHub = await app.ConnectHubAsync(blockedByCreator);
        await using var blockingHub = await app.ConnectHubAsync(blockingCreator);
        await using var viewerHub = await app.ConnectHubAsync(viewer);

        Assert.Equal("not_found", (await blockedHub.TryInvokeAsync("JoinLive", live.Id)).Code);
        Assert.Equal("not_found", (await blockingHub.TryInvokeAsync("JoinLive", live.Id)).Code);
        Assert.Null((await viewerHub.TryInvokeAsync("JoinLive", live.Id)).Error);
    }

    [ToolFact("node", "npm")]
    public async Task An_ended_or_unknown_live_cannot_be_joined()
    {
        var (creator, live) = await app.GoLiveAsync();
        (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).EnsureSuccessStatusCode();
        await using var hub = await app.ConnectHubAsync(await app.CreateUserAsync());

        Assert.Equal("not_found", (await hub.TryInvokeAsync("JoinLive", live.Id)).Code);
        Assert.Equal("not_found", (await hub.TryInvokeAsync("JoinLive", Guid.NewGuid().ToString())).Code);
    }

    [ToolFact("node", "npm")]
    public async Task A_followers_live_room_is_for_followers()
    {
        var (creator, live) = await app.GoLiveAsync(visibility: "followers");
        var (follower, stranger) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        (await follower.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        await using var followerHub = await app.ConnectHubAsync(follower);
        await using var strangerHub = await app.ConnectHubAsync(stranger);
        await using var creatorHub = await app.ConnectHubAsync(creator);

        Assert.Null((await followerHub.TryInvokeAsync("JoinLive", live.Id)).Error);
        Assert.Null((await creatorHub.TryInvokeAsync("JoinLive", live.Id)).Error);
        Assert.Equal("not_found", (await strangerHub.TryInvokeAsync("JoinLive", live.Id)).Code);
    }

    [ToolFact("node", "npm")]
    public async Task A_burst_of_joins_reaches_watchers_as_at_most_one_viewer_count_a_second_ending_with_the_final_count()
    {
        var (creator, live) = await app.GoLiveAsync();
        await using var watcher = await app.ConnectHubAsync(creator); // the creator watches the room and is not counted
        await watcher.InvokeAsync("JoinLive", live.Id);
        var joins = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => app.SignWebhookAsync(new
        {
            @event = "participant_joined", id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = live.RoomName }, participant = new { identity = $"viewer-{i}" },
        })));

        var started = DateTime.UtcNow;
        await Task.WhenAll(joins.Select(async join => (await app.PostWebhookAsync(join)).EnsureSuccessStatusCode()));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "the 20 joins were not taken in within a second");

        await watcher.WaitForAsync("liveViewers", e => e.GetProperty("viewerCount").GetInt32() == 20);
        await Task.Delay(1500); // nothing more comes after the final count
        var counts = watcher.AllEvents().Where(e => e.Target == "liveViewers").ToList();
        Assert.InRange(counts.Count, 1, 2);
        Assert.Equal(20, counts[^1].Argument.GetProperty("viewerCount").GetInt32());
        Assert.All(counts, e => Assert.Equal(live.Id, e.Argument.GetProperty("liveSessionId").GetString()));
        Assert.Equal(20, (await app.ReadLiveAsync(live.Id)).GetProperty("viewerCount").GetInt32());
    }

    [ToolFact("node", "npm")]
    public async Task Watchers_hear_when_a_live_ends_and_why()
    {
        var (creator, live) = await app.GoLiveAsync();
        await using var watcher = await app.ConnectHubAsync(await app.CreateUserAsync());
        await watcher.InvokeAsync("JoinLive", live.Id);

        (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).EnsureSuccessStatusCode();

        var ended = await watcher.WaitForAsync("liveEnded");
        Assert.Equal(live.Id, ended.GetProperty("liveSessionId").GetString());
        Assert.Equal("creator", ended.GetProperty("reason").GetString());
    }
}
