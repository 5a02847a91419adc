using Spotlight.Realtime.Live;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Realtime;

/// <summary>Lives as rooms of the hub: their events reach the connections that joined, and no others.</summary>
public sealed class LiveRoomTests(LiveRoomTests.App app) : IClassFixture<LiveRoomTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Realtime:MaxLivesPerConnection"] = "2" };

        // The transport alone: who may watch is the Live module's rule (tested in Live/LiveHubTests); here every live may be watched.
        protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<ILiveAccess, PublicLives>();
    }

    [Fact]
    public async Task Live_events_reach_only_the_connections_that_joined_until_they_leave()
    {
        var (viewer, other) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var live = Guid.NewGuid();
        await using var viewerHub = await app.ConnectHubAsync(viewer);
        await using var otherHub = await app.ConnectHubAsync(other);
        await viewerHub.InvokeAsync("JoinLive", live.ToString());
        await otherHub.InvokeAsync("JoinLive", Guid.NewGuid().ToString());
        var broadcast = app.Services.GetRequiredService<LiveBroadcast>();

        await broadcast.PublishAsync(live, LiveBroadcast.Gift, new { senderId = other.Id, giftId = "rose", quantity = 3 });
        await broadcast.PublishAsync(live, LiveBroadcast.LiveViewers, new { count = 1 });
        await broadcast.PublishAsync(live, LiveBroadcast.PkScore, new { left = 10, right = 7 });

        var gift = await viewerHub.WaitForAsync("gift");
        Assert.Equal(3, gift.GetProperty("quantity").GetInt32());
        Assert.Equal(1, (await viewerHub.WaitForAsync("liveViewers")).GetProperty("count").GetInt32());
        Assert.Equal(10, (await viewerHub.WaitForAsync("pkScore")).GetProperty("left").GetInt32());

        await viewerHub.InvokeAsync("LeaveLive", live.ToString());
        await broadcast.PublishAsync(live, LiveBroadcast.Gift, new { senderId = other.Id, giftId = "rose", quantity = 1 });
        await Task.Delay(700);
        Assert.Single(viewerHub.EventsOf("gift"));
        Assert.DoesNotContain(otherHub.AllEvents(), e => e.Target is "gift" or "liveViewers" or "pkScore");
    }

    [Fact]
    public async Task A_connection_watches_a_limited_number_of_lives_and_ids_must_be_ids()
    {
        var viewer = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(viewer);

        await hub.InvokeAsync("JoinLive", Guid.NewGuid().ToString());
        await hub.InvokeAsync("JoinLive", Guid.NewGuid().ToString());
        Assert.Equal("too_many_lives", (await hub.TryInvokeAsync("JoinLive", Guid.NewGuid().ToString())).Code);
        Assert.Equal("not_found", (await hub.TryInvokeAsync("JoinLive", "live-1")).Code);
        Assert.True(hub.IsOpen);
    }
}
