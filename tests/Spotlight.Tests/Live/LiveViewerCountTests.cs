using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.Lives;
using Spotlight.Realtime.Live;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Live;

/// <summary>
/// A live's viewer count is how many people watch it, each once, whether they watch through LiveKit (its webhooks and the
/// watch's ListParticipants), through the hub's <c>JoinLive</c>, or both; the creator never counts; leaving, closing the
/// connection, or a node dying takes a watcher off.
/// </summary>
public sealed class LiveViewerCountTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task Joining_the_lives_room_on_the_hub_counts_one_viewer_and_watchers_hear_it()
    {
        var (_, live) = await app.GoLiveAsync();
        await using var viewer = await app.ConnectHubAsync(await app.CreateUserAsync());

        await viewer.InvokeAsync("JoinLive", live.Id);

        Assert.Equal(1, await ViewersAsync(live.Id));
        var heard = await viewer.WaitForAsync("liveViewers", e => e.GetProperty("viewerCount").GetInt32() == 1);
        Assert.Equal(live.Id, heard.GetProperty("liveSessionId").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_person_watching_through_LiveKit_and_the_hub_on_two_connections_counts_once_until_they_leave_both()
    {
        var (_, live) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        await using var phone = await app.ConnectHubAsync(viewer);
        await using var tablet = await app.ConnectHubAsync(viewer);

        await WebhookAsync("participant_joined", live.RoomName, viewer.Id.ToString());
        await WaitForViewersAsync(live.Id, 1);
        await phone.InvokeAsync("JoinLive", live.Id);
        await tablet.InvokeAsync("JoinLive", live.Id);
        await phone.InvokeAsync("JoinLive", live.Id); // joining twice from one connection changes nothing
        Assert.Equal(1, await ViewersAsync(live.Id));

        await WebhookAsync("participant_left", live.RoomName, viewer.Id.ToString());
        await WaitUntilAsync(async () => await app.WithDbAsync(db => db.Database.SqlQuery<int>(
            $"""SELECT COUNT(*) AS "Value" FROM live_viewers WHERE "LiveId" = {Guid.Parse(live.Id)} AND "ViaLiveKit" """).SingleAsync()) == 0);
        Assert.Equal(1, await ViewersAsync(live.Id)); // left LiveKit's room, still on the hub

        await phone.InvokeAsync("LeaveLive", live.Id);
        Assert.Equal(1, await ViewersAsync(live.Id)); // the tablet still watches

        await tablet.DisposeAsync(); // closing the connection leaves the room
        await WaitForViewersAsync(live.Id, 0);
    }

    [ToolFact("node", "npm")]
    public async Task Leaving_the_room_or_closing_the_connection_takes_a_hub_watcher_off()
    {
        var (_, live) = await app.GoLiveAsync();
        await using var leaver = await app.ConnectHubAsync(await app.CreateUserAsync());
        var closer = await app.ConnectHubAsync(await app.CreateUserAsync());
        await leaver.InvokeAsync("JoinLive", live.Id);
        await closer.InvokeAsync("JoinLive", live.Id);
        Assert.Equal(2, await ViewersAsync(live.Id));

        await leaver.InvokeAsync("LeaveLive", live.Id);
        Assert.Equal(1, await ViewersAsync(live.Id));
        await leaver.InvokeAsync("LeaveLive", live.Id); // leaving twice takes nobody else off
        Assert.Equal(1, await ViewersAsync(live.Id));

        closer.Abort();
        await WaitForViewersAsync(live.Id, 0);
    }

    [ToolFact("node", "npm")]
    public async Task The_creator_is_never_counted_on_the_hub_through_LiveKit_or_by_the_watch()
    {
        var (creator, live) = await app.GoLiveAsync();
        await using var creatorHub = await app.ConnectHubAsync(creator);

        await creatorHub.InvokeAsync("JoinLive", live.Id);
        await WebhookAsync("participant_joined", live.RoomName, creator.Id.ToString());
        await app.Events.WaitForAsync<Spotlight.Live.LiveKit.LiveKitParticipantJoined>(e => e.Room == live.RoomName);
        await Task.Delay(300); // its count handler has had its turn
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString()] });
        await SweepAsync();

        Assert.Equal(0, await ViewersAsync(live.Id));
    }

    [ToolFact("node", "npm")]
    public async Task The_watch_sets_who_watches_through_LiveKit_and_keeps_those_watching_on_the_hub()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (both, hubOnly, gone) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var bothHub = await app.ConnectHubAsync(both);
        await using var hubOnlyHub = await app.ConnectHubAsync(hubOnly);
        await bothHub.InvokeAsync("JoinLive", live.Id);
        await hubOnlyHub.InvokeAsync("JoinLive", live.Id);
        await WebhookAsync("participant_joined", live.RoomName, gone.Id.ToString()); // LiveKit's leave for this one was lost
        await WaitForViewersAsync(live.Id, 3);

        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), both.Id.ToString(), "egress-viewer"] });
        await SweepAsync();

        Assert.Equal(3, await ViewersAsync(live.Id)); // both (once), hubOnly, egress-viewer; not gone
        await hubOnlyHub.InvokeAsync("LeaveLive", live.Id);
        await bothHub.InvokeAsync("LeaveLive", live.Id);
        Assert.Equal(2, await ViewersAsync(live.Id)); // both still in LiveKit's room
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task Hub_watchers_of_a_node_that_died_stop_counting_at_the_next_watch()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (lost, alive) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var aliveHub = await app.ConnectHubAsync(alive);
        await aliveHub.InvokeAsync("JoinLive", live.Id);
        // A node that died: its heartbeat stopped a minute ago, its connection is still recorded, and it had told Live
        // that the connection watches (then it could not say it stopped).
        var deadNode = "dead-" + Guid.NewGuid().ToString("N");
        var connectionId = "conn-" + Guid.NewGuid().ToString("N")[..20];
        var minuteAgo = DateTime.UtcNow.AddMinutes(-1);
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO realtime_nodes ("Id", "StartedAt", "HeartbeatAt") VALUES ({deadNode}, {minuteAgo}, {minuteAgo});
            INSERT INTO realtime_connections ("ConnectionId", "UserId", "NodeId", "ConnectedAt") VALUES ({connectionId}, {lost.Id}, {deadNode}, {minuteAgo});
            """));
        await app.Services.GetRequiredService<ILiveViewers>().WatchingAsync(Guid.Parse(live.Id), lost.Id, connectionId, CancellationToken.None);
        Assert.Equal(2, await ViewersAsync(live.Id));

        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString()] });
        await SweepAsync();

        Assert.Equal(1, await ViewersAsync(live.Id));
        Assert.Equal(0, await app.WithDbAsync(db => db.Database.SqlQuery<int>(
            $"""SELECT COUNT(*) AS "Value" FROM live_viewer_connections WHERE "ConnectionId" = {connectionId}""").SingleAsync()));
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task When_LiveKit_cannot_be_asked_the_watch_still_drops_hub_watchers_whose_connection_is_gone()
    {
        var (_, live) = await app.GoLiveAsync();
        var lost = await app.CreateUserAsync();
        await app.Services.GetRequiredService<ILiveViewers>().WatchingAsync(Guid.Parse(live.Id), lost.Id, "never-open", CancellationToken.None);
        Assert.Equal(1, await ViewersAsync(live.Id));

        await app.ControlRoomServiceAsync([], failNext: 1000);
        await SweepAsync();

        Assert.Equal(0, await ViewersAsync(live.Id));
        Assert.Equal("live", (await app.ReadLiveAsync(live.Id)).GetProperty("status").GetString());
        await app.ControlRoomServiceAsync([]);
    }

    private async Task<int> ViewersAsync(string id) => (await app.ReadLiveAsync(id)).GetProperty("viewerCount").GetInt32();

    private async Task SweepAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LiveWatch>().SweepAsync(DateTime.UtcNow, CancellationToken.None);
    }

    private async Task WebhookAsync(string name, string room, string identity)
    {
        var signed = await app.SignWebhookAsync(new { @event = name, id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = room }, participant = new { identity } });
        (await app.PostWebhookAsync(signed)).EnsureSuccessStatusCode();
    }

    private Task WaitForViewersAsync(string id, int count) => WaitUntilAsync(async () => await ViewersAsync(id) == count);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the condition never held");
            await Task.Delay(100);
        }
    }
}

/// <summary>Two nodes on one database: watchers hear at most one <c>liveViewers</c> a second per live, whichever node counted.</summary>
public sealed class LiveViewersAcrossNodesTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [PostgresFact]
    public async Task Joins_on_two_nodes_reach_a_watcher_as_at_most_one_count_a_second_ending_with_the_right_count()
    {
        var creator = await nodes.First.CreateUserAsync("creator");
        var liveId = Guid.CreateVersion7();
        await nodes.First.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            db.Set<LiveSession>().Add(new LiveSession
            {
                Id = liveId, CreatorId = creator.Id, OnAirCreatorId = creator.Id, Title = "Two nodes", Visibility = LiveVisibility.Public,
                RoomName = "live_" + liveId.ToString("N"), Status = LiveStatus.Live, StartedAt = now, LastConfirmedAt = now,
            });
            await db.SaveChangesAsync();
        });
        await using var watcher = await nodes.First.ConnectHubAsync(await nodes.First.CreateUserAsync());
        await watcher.InvokeAsync("JoinLive", liveId.ToString());
        var viewers = new List<HubClient>();
        for (var i = 0; i < 24; i++)
        {
            var node = i % 2 == 0 ? nodes.First : nodes.Second;
            viewers.Add(await node.ConnectHubAsync(await node.CreateUserAsync()));
        }

        try
        {
            // Three waves of joins, each on both nodes at once, spread over about two seconds.
            foreach (var wave in viewers.Chunk(8))
            {
                await Task.WhenAll(wave.Select(v => v.InvokeAsync("JoinLive", liveId.ToString())));
                await Task.Delay(700);
            }

            await watcher.WaitForAsync("liveViewers", e => e.GetProperty("viewerCount").GetInt32() == 25, TimeSpan.FromSeconds(15));
            await Task.Delay(2500); // nothing else is on its way
            var heard = watcher.AllEvents().Where(e => e.Target == "liveViewers").ToList();
            Assert.Equal(25, heard[^1].Argument.GetProperty("viewerCount").GetInt32());
            Assert.Equal(25, await nodes.Second.WithDbAsync(db => db.Set<LiveSession>().Where(l => l.Id == liveId).Select(l => l.ViewerCount).SingleAsync()));
            for (var i = 1; i < heard.Count; i++)
            {
                // Sends are at least a second apart; one from the other node reaches the watcher later than one from its own
                // (through PostgreSQL's NOTIFY), by up to a few hundred ms on a busy machine. Each node holding its own second
                // sends at the same moment as the other: tens of ms apart.
                var gap = heard[i].ReceivedAt - heard[i - 1].ReceivedAt;
                Assert.True(gap >= TimeSpan.FromMilliseconds(500), $"two liveViewers {gap.TotalMilliseconds:F0} ms apart: {Describe(heard)}");
            }
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    private static string Describe(IEnumerable<HubClient.ServerEvent> heard) =>
        string.Join(", ", heard.Select(e => $"{e.ReceivedAt:HH:mm:ss.fff}={e.Argument.GetProperty("viewerCount").GetInt32()}"));
}
