using System.Diagnostics;
using System.Text.Json;
using Spotlight.Live.Lives;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// A live never stays "live" forever: the watch follows each live with LiveKit's ListParticipants (viewer count, creator
/// present), ends it when the creator is gone too long or LiveKit cannot be asked too long; joins and leaves reported by
/// LiveKit's webhooks move the viewer count between sweeps.
/// </summary>
public sealed class LiveWatchTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task The_viewer_count_is_who_LiveKit_has_in_the_room_besides_the_creator()
    {
        var (creator, live) = await GoLiveAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), "viewer-a", "viewer-b"] });

        await SweepAsync(DateTime.UtcNow.AddMinutes(10)); // the creator is there: not abandoned, however late

        var read = await ReadAsync(live.Id);
        Assert.Equal("live", read.GetProperty("status").GetString());
        Assert.Equal(2, read.GetProperty("viewerCount").GetInt32());
    }

    [ToolFact("node", "npm")]
    public async Task A_live_whose_creator_is_not_in_the_room_ends_after_the_absent_timeout_not_before()
    {
        var (_, live) = await GoLiveAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [] });

        await SweepAsync(DateTime.UtcNow.AddSeconds(60));
        Assert.Equal("live", (await ReadAsync(live.Id)).GetProperty("status").GetString());

        await SweepAsync(DateTime.UtcNow.AddSeconds(180));
        Assert.Equal("ended", (await ReadAsync(live.Id)).GetProperty("status").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_live_LiveKit_cannot_be_asked_about_ends_after_the_unreachable_timeout_and_a_failing_LiveKit_is_asked_once_per_sweep()
    {
        var (_, first) = await GoLiveAsync();
        var (_, second) = await GoLiveAsync();
        await app.ControlRoomServiceAsync([], failNext: 1000);

        await SweepAsync(DateTime.UtcNow.AddSeconds(60));
        Assert.Equal("live", (await ReadAsync(first.Id)).GetProperty("status").GetString());
        Assert.Equal(4, (await app.RoomServiceCallsAsync()).Length); // one call, its three retries, then no more in this sweep

        await SweepAsync(DateTime.UtcNow.AddSeconds(400));
        Assert.Equal("ended", (await ReadAsync(first.Id)).GetProperty("status").GetString());
        Assert.Equal("ended", (await ReadAsync(second.Id)).GetProperty("status").GetString());
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task LiveKits_joins_and_leaves_move_the_viewer_count_and_the_creator_does_not_count()
    {
        var (creator, live) = await GoLiveAsync();

        await WebhookAsync("participant_joined", live.RoomName, creator.Id.ToString());
        await WebhookAsync("participant_joined", live.RoomName, "viewer-1");
        await WebhookAsync("participant_joined", live.RoomName, "viewer-2");
        await WaitForViewersAsync(live.Id, 2);

        await WebhookAsync("participant_left", live.RoomName, "viewer-1");
        await WebhookAsync("participant_connection_aborted", live.RoomName, "viewer-2");
        await WaitForViewersAsync(live.Id, 0);
    }

    private async Task SweepAsync(DateTime now)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LiveWatch>().SweepAsync(now, CancellationToken.None);
    }

    private async Task WebhookAsync(string name, string room, string identity)
    {
        var signed = await app.SignWebhookAsync(new { @event = name, id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = room }, participant = new { identity } });
        (await app.PostWebhookAsync(signed)).EnsureSuccessStatusCode();
    }

    private async Task WaitForViewersAsync(string id, int count)
    {
        var watch = Stopwatch.StartNew();
        while ((await ReadAsync(id)).GetProperty("viewerCount").GetInt32() != count)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the viewer count never reached {count}");
            await Task.Delay(100);
        }
    }

    private Task<(TestUser Creator, StartedLive Live)> GoLiveAsync() => app.GoLiveAsync();

    private Task<JsonElement> ReadAsync(string id) => app.ReadLiveAsync(id);
}
