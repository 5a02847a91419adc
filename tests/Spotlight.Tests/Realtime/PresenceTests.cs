using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Spotlight.Realtime.Presence;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Realtime;

/// <summary>Presence: online while a connection is open anywhere, told to followers and partners only, and never stuck online.</summary>
public sealed class PresenceTests(PresenceTests.App app) : IClassFixture<PresenceTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Realtime:MaxConnectionsPerUser"] = "3" };
    }

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    private static async Task<JsonElement> PresenceAsync(TestUser asker, TestUser of) =>
        await (await asker.Client.GetAsync($"/api/v1/users/{of.Id}/presence")).ShouldBeAsync(HttpStatusCode.OK);

    private static async Task FollowAsync(TestUser follower, TestUser followee) =>
        Assert.Equal(HttpStatusCode.NoContent, (await follower.Client.PostAsync($"/api/v1/users/{followee.Id}/follow", null)).StatusCode);

    [Fact]
    public async Task A_user_is_online_while_connected_and_followers_hear_both_changes()
    {
        var (ann, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await FollowAsync(fan, ann);
        await using var fanHub = await app.ConnectHubAsync(fan);
        var before = await PresenceAsync(fan, ann);
        Assert.False(before.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastSeenAt").ValueKind);

        var phone = await app.ConnectHubAsync(ann);
        var laptop = await app.ConnectHubAsync(ann);
        var online = await fanHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == ann.Id);
        Assert.True(online.GetProperty("online").GetBoolean());
        Assert.True((await PresenceAsync(fan, ann)).GetProperty("online").GetBoolean());

        await phone.DisposeAsync();
        await Task.Delay(Quiet);
        Assert.True((await PresenceAsync(fan, ann)).GetProperty("online").GetBoolean());
        await laptop.DisposeAsync();

        var offline = await fanHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == ann.Id && !p.GetProperty("online").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, offline.GetProperty("lastSeenAt").ValueKind);
        var after = await PresenceAsync(fan, ann);
        Assert.False(after.GetProperty("online").GetBoolean());
        Assert.Equal(offline.GetProperty("lastSeenAt").GetDateTime(), after.GetProperty("lastSeenAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, fanHub.EventsOf("presence").Count(p => p.GetProperty("userId").GetGuid() == ann.Id));
    }

    [Fact]
    public async Task Presence_is_told_only_to_followers_and_conversation_partners_without_a_block()
    {
        var (ann, partner, stranger, blocked) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await Chat.GroupAsync(partner, "friends", ann, blocked);
        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.PostAsync($"/api/v1/users/{blocked.Id}/block", null)).StatusCode);
        await using var partnerHub = await app.ConnectHubAsync(partner);
        await using var strangerHub = await app.ConnectHubAsync(stranger);
        await using var blockedHub = await app.ConnectHubAsync(blocked);

        await using var annHub = await app.ConnectHubAsync(ann);

        await partnerHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == ann.Id);
        await Task.Delay(Quiet);
        Assert.DoesNotContain(strangerHub.EventsOf("presence"), p => p.GetProperty("userId").GetGuid() == ann.Id);
        Assert.DoesNotContain(blockedHub.EventsOf("presence"), p => p.GetProperty("userId").GetGuid() == ann.Id);
        Assert.True((await PresenceAsync(partner, ann)).GetProperty("online").GetBoolean());
        await (await stranger.Client.GetAsync($"/api/v1/users/{ann.Id}/presence")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await blocked.Client.GetAsync($"/api/v1/users/{ann.Id}/presence")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.True((await PresenceAsync(ann, ann)).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task A_node_that_stops_beating_does_not_leave_its_users_online()
    {
        var (ann, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await FollowAsync(fan, ann);
        await using var fanHub = await app.ConnectHubAsync(fan);
        var lastBeat = app.Clock.GetUtcNow().UtcDateTime.AddMinutes(-2);
        await app.WithDbAsync(async db =>
        {
            // Another node had ann connected, then died without a word.
            db.Add(new RealtimeNodeRecord { Id = "crashed-node", StartedAt = lastBeat.AddHours(-1), HeartbeatAt = lastBeat });
            db.Add(new RealtimeConnection { ConnectionId = "conn-on-crashed-node", UserId = ann.Id, NodeId = "crashed-node", ConnectedAt = lastBeat.AddMinutes(-10) });
            db.Add(new UserPresence { UserId = ann.Id, Online = true, ChangedAt = lastBeat.AddMinutes(-10) });
            await db.SaveChangesAsync();
        });

        Assert.False((await PresenceAsync(fan, ann)).GetProperty("online").GetBoolean()); // a stale heartbeat does not count

        var heartbeat = app.Services.GetServices<IHostedService>().OfType<NodeHeartbeat>().Single();
        await heartbeat.BeatAsync(reconcile: false, CancellationToken.None);

        var offline = await fanHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == ann.Id);
        Assert.False(offline.GetProperty("online").GetBoolean());
        Assert.Equal(lastBeat, offline.GetProperty("lastSeenAt").GetDateTime(), TimeSpan.FromMilliseconds(1));
        await app.WithDbAsync(async db =>
        {
            Assert.False(await db.Set<RealtimeNodeRecord>().AnyAsync(n => n.Id == "crashed-node"));
            Assert.False(await db.Set<RealtimeConnection>().AnyAsync(c => c.NodeId == "crashed-node"));
            Assert.False((await db.Set<UserPresence>().SingleAsync(p => p.UserId == ann.Id)).Online);
        });
    }

    [Fact]
    public async Task A_user_holds_at_most_the_configured_number_of_connections()
    {
        var ann = await app.CreateUserAsync();
        var open = new List<HubClient>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await app.ConnectHubAsync(ann));
        }

        var socket = await app.OpenHubSocketAsync(ann.AccessToken);
        var fourth = await HubClient.StartAsync(socket);
        var closed = await fourth.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("too_many_connections", closed.Error, StringComparison.Ordinal);

        await open[0].DisposeAsync();
        await Task.Delay(Quiet);
        await using var again = await app.ConnectHubAsync(ann);
        Assert.True(again.IsOpen);
        foreach (var hub in open.Skip(1))
        {
            await hub.DisposeAsync();
        }

        await fourth.DisposeAsync();
    }
}
