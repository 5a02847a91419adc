using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Live;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Matching;

/// <summary>
/// Random 1:1 matching (API.md, Matching) over real HTTP and real hub connections, beside LiveKit's own SDK (it verifies
/// the tokens and serves the fake RoomService). Every test queues its users in a region of its own, so tests sharing the
/// server never pair each other's users.
/// </summary>
public sealed class MatchingTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(800);

    [ToolFact("node", "npm")]
    public async Task Two_compatible_users_both_receive_matched_with_each_others_card_and_a_token_to_publish_in_the_same_room()
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);

        var queued = await ann.QueueAsync(region, "en", "FR");
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal(["en", "fr"], queued.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(region, queued.GetProperty("region").GetString());
        await bob.QueueAsync(region.ToLowerInvariant(), "fr");

        var atAnn = await annHub.WaitForAsync("matched");
        var atBob = await bobHub.WaitForAsync("matched");
        Assert.Equal(atAnn.GetProperty("matchId").GetGuid(), atBob.GetProperty("matchId").GetGuid());
        var room = atAnn.GetProperty("roomName").GetString()!;
        Assert.Equal(room, atBob.GetProperty("roomName").GetString());
        Assert.Equal(bob.Id, atAnn.GetProperty("partner").GetProperty("id").GetGuid());
        Assert.Equal(bob.Handle, atAnn.GetProperty("partner").GetProperty("handle").GetString());
        Assert.True(atAnn.GetProperty("partner").TryGetProperty("displayName", out _));
        Assert.True(atAnn.GetProperty("partner").TryGetProperty("avatarUrl", out _));
        Assert.Equal(ann.Id, atBob.GetProperty("partner").GetProperty("id").GetGuid());
        Assert.Equal($"ws://127.0.0.1:{app.Port}", atAnn.GetProperty("livekitUrl").GetString());
        foreach (var (user, matched) in new[] { (ann, atAnn), (bob, atBob) })
        {
            var claims = await app.VerifyWithSdkAsync(matched.GetProperty("token").GetString()!);
            Assert.Equal(user.Id.ToString(), claims.GetProperty("sub").GetString());
            Assert.Equal(user.Handle, claims.GetProperty("name").GetString());
            var video = claims.GetProperty("video");
            Assert.Equal(room, video.GetProperty("room").GetString());
            Assert.True(video.GetProperty("roomJoin").GetBoolean());
            Assert.True(video.GetProperty("canPublish").GetBoolean());
            Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        }

        Assert.Equal(0, await app.QueueRowsAsync(ann.Id));
        Assert.Equal(0, await app.QueueRowsAsync(bob.Id));
    }

    [Fact]
    public async Task Users_with_a_block_either_way_are_never_paired_and_each_takes_someone_else()
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob, cat, dan) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.PostAsync($"/api/v1/users/{ann.Id}/block", null)).StatusCode);
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);

        await ann.QueueAsync(region);
        await bob.QueueAsync(region);
        await Task.Delay(Quiet);
        Assert.Empty(annHub.EventsOf("matched"));
        Assert.Empty(bobHub.EventsOf("matched"));

        await cat.QueueAsync(region); // the oldest compatible partner for cat: ann (bob is blocked by her, not by cat, but ann is older)
        Assert.Equal(cat.Id, (await annHub.WaitForAsync("matched")).GetProperty("partner").GetProperty("id").GetGuid());
        await dan.QueueAsync(region);
        Assert.Equal(dan.Id, (await bobHub.WaitForAsync("matched")).GetProperty("partner").GetProperty("id").GetGuid());
        Assert.Single(annHub.EventsOf("matched"));
        Assert.Single(bobHub.EventsOf("matched"));
    }

    [Fact]
    public async Task Languages_must_overlap_when_both_give_some_and_regions_must_be_equal()
    {
        var region = Matchmaking.UniqueRegion();
        var users = await app.CreateUsersAsync(6);
        var (en, fr, frToo, any, elsewhere, there) = (users[0], users[1], users[2], users[3], users[4], users[5]);
        await en.QueueAsync(region, "en");
        await fr.QueueAsync(region, "fr");
        await elsewhere.QueueAsync(region + "X", "fr");

        await frToo.QueueAsync(region, "fr", "de"); // ann (en) is older, but shares no language with it
        await any.QueueAsync(region); // no languages given: accepts en
        await there.QueueAsync(region + "Y");

        await Matchmaking.EventuallyAsync(async () => (await app.MatchesOfAsync([.. users.Select(u => u.Id)])).Count == 2, TimeSpan.FromSeconds(10), "two matches");
        var matches = await app.MatchesOfAsync([.. users.Select(u => u.Id)]);
        Assert.Contains(matches, m => Pair(m) == Pair(fr.Id, frToo.Id));
        Assert.Contains(matches, m => Pair(m) == Pair(en.Id, any.Id));
        Assert.Equal(1, await app.QueueRowsAsync(elsewhere.Id)); // a region of its own, nobody else's
        Assert.Equal(1, await app.QueueRowsAsync(there.Id));
        await elsewhere.LeaveQueueAsync();
        await there.LeaveQueueAsync();
    }

    [Fact]
    public async Task Queueing_twice_keeps_one_entry_with_the_new_filters_and_the_first_place_in_line()
    {
        var user = await app.CreateUserAsync();
        var region = Matchmaking.UniqueRegion();
        var first = await user.QueueAsync(region, "en");

        var second = await user.QueueAsync(region, "pt-BR");

        Assert.Equal(1, await app.QueueRowsAsync(user.Id));
        Assert.Equal(["pt-br"], second.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(first.GetProperty("joinedAt").GetDateTime(), second.GetProperty("joinedAt").GetDateTime());
        await user.LeaveQueueAsync();
        Assert.Equal(0, await app.QueueRowsAsync(user.Id));
        await user.LeaveQueueAsync(); // idempotent
    }

    [Fact]
    public async Task Bad_filters_are_refused_with_the_fields_named()
    {
        var user = await app.CreateUserAsync();

        var problem = await (await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { languages = new[] { "en", "no spaces" }, region = "" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("languages", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("region", out _));
        await (await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { role = "admin" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.Equal(0, await app.QueueRowsAsync(user.Id));
    }

    [Fact]
    public async Task A_banned_user_may_not_join_the_queue_and_one_banned_while_waiting_is_not_paired()
    {
        var region = Matchmaking.UniqueRegion();
        var (banned, waiting, other) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await waiting.QueueAsync(region);
        await banned.LeaveQueueAsync(); // the token's session is now cached as live: the ban below reaches only the queue's own check
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == banned.Id || u.Id == waiting.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.BannedAt, DateTime.UtcNow)));

        await (await banned.Client.PostAsJsonAsync("/api/v1/match/queue", new { region })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "banned");

        Assert.Equal(0, await app.QueueRowsAsync(banned.Id));
        await using var otherHub = await app.ConnectHubAsync(other);
        await other.QueueAsync(region);
        await Task.Delay(Quiet);
        Assert.Empty(otherHub.EventsOf("matched"));
        await other.LeaveQueueAsync();
    }

    [Fact]
    public async Task Closing_the_last_hub_connection_leaves_the_queue_and_another_one_closing_does_not()
    {
        var user = await app.CreateUserAsync();
        var phone = await app.ConnectHubAsync(user);
        var laptop = await app.ConnectHubAsync(user);
        await user.QueueAsync(Matchmaking.UniqueRegion());

        await phone.DisposeAsync();
        await Task.Delay(Quiet);
        Assert.Equal(1, await app.QueueRowsAsync(user.Id));

        await laptop.DisposeAsync();
        await Matchmaking.EventuallyAsync(async () => await app.QueueRowsAsync(user.Id) == 0, TimeSpan.FromSeconds(10), "left the queue");
    }

    [ToolFact("node", "npm")]
    public async Task Next_ends_the_match_for_both_deletes_its_room_and_requeues_the_caller_with_the_same_filters()
    {
        var (ann, bob, annHub, bobHub, matchId, room) = await MatchedPairAsync("es");
        await app.ControlRoomServiceAsync(new Dictionary<string, string[]> { [room] = [ann.Id.ToString(), bob.Id.ToString()] });

        var requeued = await (await ann.Client.PostAsync($"/api/v1/match/{matchId}/next", null)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal(["es"], requeued.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(matchId, (await bobHub.WaitForAsync("matchEnded")).GetProperty("matchId").GetGuid());
        await annHub.WaitForAsync("matchEnded");
        var match = Assert.Single(await app.MatchesOfAsync([ann.Id]));
        Assert.Equal("next", match.EndReason);
        Assert.NotNull(match.EndedAt);
        Assert.Equal(1, await app.QueueRowsAsync(ann.Id));
        Assert.Equal(0, await app.QueueRowsAsync(bob.Id));
        var call = Assert.Single(await app.RoomServiceCallsAsync(), c => c.GetProperty("method").GetString() == "DeleteRoom");
        Assert.Equal(room, call.GetProperty("body").GetProperty("room").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("error").ValueKind);

        // Bob presses next too: he waits again, but not with ann, whom he has just met.
        await (await bob.Client.PostAsync($"/api/v1/match/{matchId}/next", null)).ShouldBeAsync(HttpStatusCode.Accepted);
        await Task.Delay(Quiet);
        Assert.Single(bobHub.EventsOf("matched"));
        await ann.LeaveQueueAsync();
        await bob.LeaveQueueAsync();
    }

    [ToolFact("node", "npm")]
    public async Task Next_pairs_the_caller_again_without_waiting_for_LiveKit_to_delete_the_old_room()
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob, carol) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await using var carolHub = await app.ConnectHubAsync(carol);
        await ann.QueueAsync(region);
        await bob.QueueAsync(region);
        var first = await annHub.WaitForAsync("matched");
        await carol.QueueAsync(region); // waits alone until ann is free again
        // LiveKit answers DeleteRoom too slowly: every attempt times out, retried until LiveKit:RoomServiceTimeout.
        await app.ControlRoomServiceAsync(new Dictionary<string, string[]>(), delayMs: 5000);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var next = ann.Client.PostAsync($"/api/v1/match/{first.GetProperty("matchId").GetGuid()}/next", null);
        var second = await annHub.WaitForAsync("matched", m => m.GetProperty("partner").GetProperty("id").GetGuid() == carol.Id);

        Assert.True(clock.Elapsed < LiveKitApp.RoomServiceTimeout, $"ann was paired again after {clock.Elapsed}, once LiveKit had given up on the old room");
        Assert.False(next.IsCompleted); // the answer still waits for the room's deletion
        Assert.Equal(second.GetProperty("matchId").GetGuid(), (await carolHub.WaitForAsync("matched")).GetProperty("matchId").GetGuid());
        await (await next).ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Contains(await app.RoomServiceCallsAsync(), c => c.GetProperty("method").GetString() == "DeleteRoom"
            && c.GetProperty("body").GetProperty("room").GetString() == first.GetProperty("roomName").GetString());
        await app.ControlRoomServiceAsync(new Dictionary<string, string[]>());
    }

    [Fact]
    public async Task Report_files_a_user_report_on_the_partner_and_ends_the_match_without_requeueing()
    {
        var (ann, bob, _, bobHub, matchId, _) = await MatchedPairAsync();

        var report = await (await ann.Client.PostAsJsonAsync($"/api/v1/match/{matchId}/report", new { reason = "harassment" })).ShouldBeAsync(HttpStatusCode.Created);

        Assert.Equal("user", report.GetProperty("targetType").GetString());
        Assert.Equal(bob.Id, report.GetProperty("targetId").GetGuid());
        Assert.Equal("harassment", report.GetProperty("reason").GetString());
        Assert.Equal("open", report.GetProperty("status").GetString());
        var ended = await bobHub.WaitForAsync("matchEnded");
        Assert.Equal(matchId, ended.GetProperty("matchId").GetGuid());
        Assert.False(ended.TryGetProperty("reason", out _)); // the partner is not told they were reported
        Assert.Equal("report", Assert.Single(await app.MatchesOfAsync([ann.Id])).EndReason);
        Assert.Equal(0, await app.QueueRowsAsync(ann.Id));
        var admin = await app.CreateAdminAsync();
        var open = await (await admin.Client.GetAsync("/api/v1/admin/reports?status=open&limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains(open.GetProperty("items").EnumerateArray(), c => c.GetProperty("targetId").GetGuid() == bob.Id);

        // Without a body the reason is "other"; a reason outside the list is refused and ends nothing.
        var (cat, _, _, _, otherMatch, _) = await MatchedPairAsync();
        await (await cat.Client.PostAsJsonAsync($"/api/v1/match/{otherMatch}/report", new { reason = "boring" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Null(Assert.Single(await app.MatchesOfAsync([cat.Id])).EndedAt);
        var other = await (await cat.Client.PostAsync($"/api/v1/match/{otherMatch}/report", null)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("other", other.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Only_the_two_members_may_call_next_or_report_on_a_match_anyone_else_gets_404()
    {
        var (ann, _, _, _, matchId, _) = await MatchedPairAsync();
        var stranger = await app.CreateUserAsync();

        await (await stranger.Client.PostAsync($"/api/v1/match/{matchId}/next", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.PostAsJsonAsync($"/api/v1/match/{matchId}/report", new { reason = "spam" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ann.Client.PostAsync($"/api/v1/match/{Guid.CreateVersion7()}/next", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Null(Assert.Single(await app.MatchesOfAsync([ann.Id])).EndedAt);
        Assert.Equal(0, await app.QueueRowsAsync(stranger.Id));
    }

    [ToolFact("node", "npm")]
    public async Task LiveKits_room_finished_ends_the_match_and_both_hear_it()
    {
        var (ann, _, annHub, bobHub, matchId, room) = await MatchedPairAsync();

        var signed = await app.SignWebhookAsync(new { @event = "room_finished", id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = room } });
        (await app.PostWebhookAsync(signed)).EnsureSuccessStatusCode();

        Assert.Equal(matchId, (await annHub.WaitForAsync("matchEnded", timeout: TimeSpan.FromSeconds(20))).GetProperty("matchId").GetGuid());
        await bobHub.WaitForAsync("matchEnded");
        Assert.Equal("room_finished", Assert.Single(await app.MatchesOfAsync([ann.Id])).EndReason);
    }

    private async Task<(TestUser Ann, TestUser Bob, HubClient AnnHub, HubClient BobHub, Guid MatchId, string Room)> MatchedPairAsync(params string[] languages)
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var annHub = await app.ConnectHubAsync(ann);
        var bobHub = await app.ConnectHubAsync(bob);
        await ann.QueueAsync(region, languages);
        await bob.QueueAsync(region, languages);
        var matched = await annHub.WaitForAsync("matched");
        await bobHub.WaitForAsync("matched");
        return (ann, bob, annHub, bobHub, matched.GetProperty("matchId").GetGuid(), matched.GetProperty("roomName").GetString()!);
    }

    private static (Guid, Guid) Pair(Matchmaking.MatchRow m) => Pair(m.UserA, m.UserB);

    private static (Guid, Guid) Pair(Guid a, Guid b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);
}
