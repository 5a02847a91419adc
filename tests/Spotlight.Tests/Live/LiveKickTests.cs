using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Live;

/// <summary>
/// Kicking a viewer (<c>POST /live/{id}/viewers/{userId}/kick</c>): its creator or a moderator takes a viewer out of a live
/// (LiveKit's RemoveParticipant with an admin token, the hub's room on every node, <c>liveKicked</c> to the viewer), and
/// keeps them out (REST and hub joins refused, a LiveKit rejoin with an old token undone); nobody else may.
/// </summary>
public sealed class LiveKickTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_moderator_kicks_a_viewer_out_of_the_LiveKit_room_and_the_hub_room_and_they_are_told()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (viewer, other, moderator) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync("moderator"));
        await using var viewerHub = await app.ConnectHubAsync(viewer);
        await using var otherHub = await app.ConnectHubAsync(other);
        await viewerHub.InvokeAsync("JoinLive", live.Id);
        await otherHub.InvokeAsync("JoinLive", live.Id);
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), viewer.Id.ToString(), other.Id.ToString()] });

        var kicked = await (await moderator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(live.Id, kicked.GetProperty("liveSessionId").GetString());
        Assert.Equal(viewer.Id.ToString(), kicked.GetProperty("userId").GetString());
        Assert.Equal(viewer.Handle, kicked.GetProperty("handle").GetString());
        Assert.Equal("removed", kicked.GetProperty("livekit").GetString());
        var call = Assert.Single(await app.RoomServiceCallsAsync());
        Assert.Equal("RemoveParticipant", call.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("error").ValueKind); // the SDK verified the admin token and its grants
        Assert.Equal(live.RoomName, call.GetProperty("body").GetProperty("room").GetString());
        Assert.Equal(viewer.Id.ToString(), call.GetProperty("body").GetProperty("identity").GetString());
        Assert.True(call.GetProperty("grants").GetProperty("roomAdmin").GetBoolean());
        Assert.Equal(live.RoomName, call.GetProperty("grants").GetProperty("room").GetString());

        var told = await viewerHub.WaitForAsync("liveKicked");
        Assert.Equal(live.Id, told.GetProperty("liveSessionId").GetString());
        Assert.Equal("kicked", told.GetProperty("reason").GetString());

        // Out of the hub room: the end reaches the other watcher, not the kicked one.
        (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).EnsureSuccessStatusCode();
        await otherHub.WaitForAsync("liveEnded");
        await Task.Delay(500);
        Assert.DoesNotContain(viewerHub.AllEvents(), e => e.Target == "liveEnded");
        Assert.DoesNotContain(otherHub.AllEvents(), e => e.Target == "liveKicked");

        var audited = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == "live.viewer_kicked" && e.TargetId == live.Id).ToListAsync());
        Assert.Equal(moderator.Id, Assert.Single(audited).ActorId);
    }

    [ToolFact("node", "npm")]
    public async Task A_kicked_viewer_cannot_join_the_live_again_over_REST_or_the_hub_but_can_join_other_lives()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (_, otherLive) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        await using var viewerHub = await app.ConnectHubAsync(viewer);

        await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);

        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "kicked");
        Assert.Equal("not_found", (await viewerHub.TryInvokeAsync("JoinLive", live.Id)).Code);
        await (await viewer.Client.PostAsync($"/api/v1/live/{otherLive.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Null((await viewerHub.TryInvokeAsync("JoinLive", otherLive.Id)).Error);
    }

    [ToolFact("node", "npm")]
    public async Task Kicking_again_is_harmless()
    {
        var (creator, live) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), viewer.Id.ToString()] });

        var first = await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);
        var second = await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("removed", first.GetProperty("livekit").GetString());
        Assert.Equal("not_in_room", second.GetProperty("livekit").GetString());
        Assert.Equal(first.GetProperty("kickedAt").GetDateTime(), second.GetProperty("kickedAt").GetDateTime());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "live.viewer_kicked" && e.TargetId == live.Id)));
        Assert.Equal("live", (await app.ReadLiveAsync(live.Id)).GetProperty("status").GetString());
        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "kicked");
    }

    [ToolFact("node", "npm")]
    public async Task Only_the_creator_or_staff_may_kick_and_never_the_creator_or_staff()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (viewer, victim, otherCreator, moderator) =
            (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync("creator"), await app.CreateUserAsync("moderator"));
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), viewer.Id.ToString(), victim.Id.ToString()] });

        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{victim.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_your_live");
        await (await otherCreator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{victim.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_your_live");
        await (await victim.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{victim.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_your_live");
        await (await app.CreateClient().PostAsync($"/api/v1/live/{live.Id}/viewers/{victim.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.Unauthorized);
        await (await moderator.Client.PostAsync($"/api/v1/live/{Guid.CreateVersion7()}/viewers/{victim.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await moderator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{Guid.CreateVersion7()}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await moderator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{creator.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_kick");
        await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{moderator.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_kick");

        Assert.Empty(await app.RoomServiceCallsAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "live.viewer_kicked" && e.TargetId == live.Id)));
        await (await victim.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [ToolFact("node", "npm")]
    public async Task A_viewer_cannot_be_kicked_from_a_live_that_has_ended()
    {
        var (creator, live) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/end", null)).EnsureSuccessStatusCode();

        await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "live_ended");
    }

    [ToolFact("node", "npm")]
    public async Task A_kick_stands_when_LiveKit_is_down_and_answers_within_the_bound()
    {
        var (creator, live) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [viewer.Id.ToString()] }, failNext: 1000);
        var watch = Stopwatch.StartNew();

        var kicked = await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.True(watch.Elapsed < LiveKitApp.RoomServiceTimeout + TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal("unavailable", kicked.GetProperty("livekit").GetString());
        await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "kicked");
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task A_kicked_viewer_who_gets_back_into_the_LiveKit_room_with_an_old_token_is_removed_again()
    {
        var (creator, live) = await app.GoLiveAsync();
        var (viewer, welcome) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var token = (await (await viewer.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("token").GetString();
        Assert.NotNull(token);
        await (await creator.Client.PostAsync($"/api/v1/live/{live.Id}/viewers/{viewer.Id}/kick", null)).ShouldBeAsync(HttpStatusCode.OK);
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString(), viewer.Id.ToString(), welcome.Id.ToString()] });

        foreach (var joined in new[] { viewer, welcome })
        {
            var signed = await app.SignWebhookAsync(new
            {
                @event = "participant_joined", id = "EV_" + Guid.NewGuid().ToString("N"), room = new { name = live.RoomName }, participant = new { identity = joined.Id.ToString() },
            });
            (await app.PostWebhookAsync(signed)).EnsureSuccessStatusCode();
        }

        var removals = await app.WaitForRoomServiceCallsAsync(calls => calls.Any(c => c.GetProperty("method").GetString() == "RemoveParticipant"));
        var removal = Assert.Single(removals, c => c.GetProperty("method").GetString() == "RemoveParticipant");
        Assert.Equal(viewer.Id.ToString(), removal.GetProperty("body").GetProperty("identity").GetString());
        await Task.Delay(500);
        Assert.DoesNotContain(await app.RoomServiceCallsAsync(), c => c.GetProperty("body").TryGetProperty("identity", out var identity) && identity.GetString() == welcome.Id.ToString());
    }
}
