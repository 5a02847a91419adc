using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// Lives (API.md, Live): a creator goes live with a publisher token LiveKit's SDK accepts, viewers get subscribe-only
/// tokens unless banned, blocked or not allowed by the live's visibility, and a live ends by its creator, a moderator or
/// LiveKit's <c>room_finished</c>, never by anyone else.
/// </summary>
public sealed class LivesTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_creator_goes_live_with_a_token_to_publish_in_the_new_room()
    {
        var creator = await app.CreateUserAsync("creator");

        var response = await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Cooking night" });

        var live = await response.ShouldBeAsync(HttpStatusCode.Created);
        var id = live.GetProperty("id").GetString();
        Assert.Equal($"/api/v1/live/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("live", live.GetProperty("status").GetString());
        Assert.Equal($"ws://127.0.0.1:{app.Port}", live.GetProperty("livekitUrl").GetString());
        Assert.True(live.GetProperty("startedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
        var roomName = live.GetProperty("roomName").GetString();
        var claims = await app.VerifyWithSdkAsync(live.GetProperty("publisherToken").GetString()!);
        Assert.Equal(creator.Id.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal(creator.Handle, claims.GetProperty("name").GetString());
        Assert.Equal(roomName, claims.GetProperty("video").GetProperty("room").GetString());
        Assert.True(claims.GetProperty("video").GetProperty("canPublish").GetBoolean());

        var read = await (await app.CreateClient().GetAsync($"/api/v1/live/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Cooking night", read.GetProperty("title").GetString());
        Assert.Equal(creator.Id.ToString(), read.GetProperty("creator").GetProperty("id").GetString());
        Assert.Equal(creator.Handle, read.GetProperty("creator").GetProperty("handle").GetString());
        Assert.Equal("live", read.GetProperty("status").GetString());
        Assert.Equal(0, read.GetProperty("viewerCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("endedAt").ValueKind);
    }

    [ToolFact("node", "npm")]
    public async Task Only_creators_go_live_and_a_title_is_required()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.PostAsJsonAsync("/api/v1/live", new { title = "Hi" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_creator");

        var creator = await app.CreateUserAsync("creator");
        await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "x", visibility = "friends" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/live", new { title = "x" })).ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [ToolFact("node", "npm")]
    public async Task A_creator_has_one_live_at_a_time_even_when_two_starts_race()
    {
        var creator = await app.CreateUserAsync("creator");

        var both = await Task.WhenAll(
            creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "One" }),
            creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Two" }));

        var won = Assert.Single(both, r => r.StatusCode == HttpStatusCode.Created);
        await Assert.Single(both, r => r != won).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_live");
        var id = (await won.ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Three" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_live");

        await (await creator.Client.PostAsync($"/api/v1/live/{id}/end", null)).ShouldBeAsync(HttpStatusCode.OK);
        await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Four" })).ShouldBeAsync(HttpStatusCode.Created);
    }

    [ToolFact("node", "npm")]
    public async Task A_viewer_joins_with_a_subscribe_only_token_for_the_lives_room()
    {
        var (_, live) = await GoLiveAsync();
        var viewer = await app.CreateUserAsync();

        var joined = await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal($"ws://127.0.0.1:{app.Port}", joined.GetProperty("livekitUrl").GetString());
        Assert.Equal(0, joined.GetProperty("viewerCount").GetInt32());
        var claims = await app.VerifyWithSdkAsync(joined.GetProperty("token").GetString()!);
        Assert.Equal(viewer.Id.ToString(), claims.GetProperty("sub").GetString());
        var video = claims.GetProperty("video");
        Assert.Equal(live.RoomName, video.GetProperty("room").GetString());
        Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        Assert.False(video.GetProperty("canPublish").GetBoolean());
        Assert.False(video.GetProperty("canPublishData").GetBoolean());
        await (await viewer.Client.PostAsync($"/api/v1/live/{Guid.CreateVersion7()}/join", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [ToolFact("node", "npm")]
    public async Task A_block_either_way_keeps_a_user_out_of_a_live()
    {
        var (creator, live) = await GoLiveAsync();
        var blockedByCreator = await app.CreateUserAsync();
        var blockingCreator = await app.CreateUserAsync();
        (await creator.Client.PostAsync($"/api/v1/users/{blockedByCreator.Id}/block", null)).EnsureSuccessStatusCode();
        (await blockingCreator.Client.PostAsync($"/api/v1/users/{creator.Id}/block", null)).EnsureSuccessStatusCode();

        await (await blockedByCreator.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await blockingCreator.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
    }

    [ToolFact("node", "npm")]
    public async Task A_banned_user_is_refused_even_while_their_session_is_still_cached()
    {
        var (_, live) = await GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        (await viewer.Client.GetAsync("/api/v1/me")).EnsureSuccessStatusCode(); // the session's state is now cached for 30 s

        await app.WithDbAsync(db => db.Users.Where(u => u.Id == viewer.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.BannedAt, DateTime.UtcNow)));

        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "banned");
    }

    [ToolFact("node", "npm")]
    public async Task A_followers_live_is_for_followers()
    {
        var (creator, live) = await GoLiveAsync(visibility: "followers");
        var stranger = await app.CreateUserAsync();
        var follower = await app.CreateUserAsync();
        (await follower.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();

        await (await stranger.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "followers_only");
        await (await follower.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [ToolFact("node", "npm")]
    public async Task The_creator_ends_the_live_and_its_LiveKit_room_is_deleted()
    {
        var (creator, live) = await GoLiveAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString()] });

        var ended = await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, ended.GetProperty("endedAt").ValueKind);
        var call = Assert.Single(await app.RoomServiceCallsAsync());
        Assert.Equal("DeleteRoom", call.GetProperty("method").GetString());
        Assert.Equal(live.RoomName, call.GetProperty("body").GetProperty("room").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("error").ValueKind);
        var viewer = await app.CreateUserAsync();
        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "live_ended");
        await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeAsync(HttpStatusCode.OK); // again: nothing changes
    }

    [ToolFact("node", "npm")]
    public async Task Nobody_else_can_end_someone_elses_live_but_a_moderator_can()
    {
        var (_, live) = await GoLiveAsync();
        var otherCreator = await app.CreateUserAsync("creator");
        var viewer = await app.CreateUserAsync();

        await (await otherCreator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_your_live");
        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_your_live");
        Assert.Equal("live", (await ReadAsync(live.Id)).GetProperty("status").GetString());

        var moderator = await app.CreateUserAsync("moderator");
        var ended = await (await moderator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_live_ends_even_when_LiveKit_cannot_be_reached_and_within_the_bound()
    {
        var (creator, live) = await GoLiveAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [] }, failNext: 1000);
        var watch = Stopwatch.StartNew();

        var ended = await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.True(watch.Elapsed < LiveKitApp.RoomServiceTimeout + TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task LiveKits_room_finished_ends_the_live()
    {
        var (_, live) = await GoLiveAsync();
        var signed = await app.SignWebhookAsync(new { @event = "room_finished", id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = live.RoomName } });
        (await app.PostWebhookAsync(signed)).EnsureSuccessStatusCode();

        var watch = Stopwatch.StartNew();
        while ((await ReadAsync(live.Id)).GetProperty("status").GetString() != "ended")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "room_finished did not end the live");
            await Task.Delay(100);
        }
    }

    [ToolFact("node", "npm")]
    public async Task The_list_of_lives_puts_followed_creators_first_and_hides_what_the_caller_may_not_see()
    {
        var viewer = await app.CreateUserAsync();
        var (stranger, publicLive) = await GoLiveAsync();
        var (followed, followedLive) = await GoLiveAsync();
        var (_, followersOnly) = await GoLiveAsync(visibility: "followers");
        var (blocking, blockingLive) = await GoLiveAsync();
        (await viewer.Client.PostAsync($"/api/v1/users/{followed.Id}/follow", null)).EnsureSuccessStatusCode();
        (await blocking.Client.PostAsync($"/api/v1/users/{viewer.Id}/block", null)).EnsureSuccessStatusCode();

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await viewer.Client.GetAsync("/api/v1/live?limit=1" + (cursor is null ? "" : "&cursor=" + cursor))).ShouldBeAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(followedLive.Id, seen[0]);
        Assert.Contains(publicLive.Id, seen);
        Assert.DoesNotContain(followersOnly.Id, seen);
        Assert.DoesNotContain(blockingLive.Id, seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        var anonymous = await (await app.CreateClient().GetAsync("/api/v1/live?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        var ids = anonymous.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Contains(publicLive.Id, ids);
        Assert.DoesNotContain(followersOnly.Id, ids);
        Assert.Equal(stranger.Handle, anonymous.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == publicLive.Id)
            .GetProperty("creator").GetProperty("handle").GetString());
    }

    private Task<(TestUser Creator, StartedLive Live)> GoLiveAsync(string visibility = "public") => app.GoLiveAsync(visibility);

    private Task<JsonElement> ReadAsync(string id) => app.ReadLiveAsync(id);
}
