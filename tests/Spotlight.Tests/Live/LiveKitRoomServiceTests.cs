using System.Diagnostics;
using Spotlight.Live.LiveKit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// Room control through LiveKit's Twirp API, against a fake RoomService that checks each admin token with LiveKit's SDK and
/// the grants LiveKit requires: calls arrive as LiveKit expects them, transient failures are retried, and a LiveKit that
/// keeps failing is given up on within the configured bound.
/// </summary>
public sealed class LiveKitRoomServiceTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task DeleteRoom_reaches_LiveKit_with_an_admin_token_the_sdk_accepts()
    {
        await app.ControlRoomServiceAsync(new() { ["live_del"] = ["u1"] });

        Assert.True(await Rooms().DeleteRoomAsync("live_del"));

        var call = Assert.Single(await app.RoomServiceCallsAsync());
        Assert.Equal("DeleteRoom", call.GetProperty("method").GetString());
        Assert.Equal("live_del", call.GetProperty("body").GetProperty("room").GetString());
        Assert.True(call.GetProperty("grants").GetProperty("roomCreate").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, call.GetProperty("error").ValueKind);
        Assert.False(await Rooms().DeleteRoomAsync("live_del")); // gone: LiveKit's not_found is an answer, not a failure
    }

    [ToolFact("node", "npm")]
    public async Task ListParticipants_and_RemoveParticipant_are_granted_roomAdmin_on_that_room()
    {
        await app.ControlRoomServiceAsync(new() { ["live_list"] = ["creator", "viewer-1", "viewer-2"] });

        var participants = await Rooms().ListParticipantsAsync("live_list");
        Assert.Equal(["creator", "viewer-1", "viewer-2"], participants.Select(p => p.Identity));
        Assert.Equal("ACTIVE", participants[0].State);

        Assert.True(await Rooms().RemoveParticipantAsync("live_list", "viewer-1"));
        Assert.False(await Rooms().RemoveParticipantAsync("live_list", "viewer-1"));
        Assert.Equal(["creator", "viewer-2"], (await Rooms().ListParticipantsAsync("live_list")).Select(p => p.Identity));
        Assert.Empty(await Rooms().ListParticipantsAsync("no_such_room"));

        var calls = await app.RoomServiceCallsAsync();
        Assert.All(calls, c =>
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, c.GetProperty("error").ValueKind);
            Assert.True(c.GetProperty("grants").GetProperty("roomAdmin").GetBoolean());
            Assert.Equal(c.GetProperty("body").GetProperty("room").GetString(), c.GetProperty("grants").GetProperty("room").GetString());
        });
        var removal = calls.First(c => c.GetProperty("method").GetString() == "RemoveParticipant");
        Assert.Equal("viewer-1", removal.GetProperty("body").GetProperty("identity").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_LiveKit_failing_twice_is_retried_and_the_call_succeeds()
    {
        await app.ControlRoomServiceAsync(new() { ["live_retry"] = ["u"] }, failNext: 2, failStatus: 503);

        Assert.True(await Rooms().DeleteRoomAsync("live_retry"));

        Assert.Equal(3, (await app.RoomServiceCallsAsync()).Length);
    }

    [ToolFact("node", "npm")]
    public async Task A_LiveKit_that_keeps_failing_is_retried_then_given_up_on_within_the_timeout()
    {
        await app.ControlRoomServiceAsync(new() { ["live_down"] = ["u"] }, failNext: 1000, failStatus: 502);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<LiveKitUnavailableException>(() => Rooms().DeleteRoomAsync("live_down"));

        Assert.True(watch.Elapsed < LiveKitApp.RoomServiceTimeout + TimeSpan.FromSeconds(1), $"gave up after {watch.Elapsed}");
        Assert.Equal(4, (await app.RoomServiceCallsAsync()).Length); // the first attempt and three retries
    }

    [ToolFact("node", "npm")]
    public async Task A_LiveKit_that_hangs_is_given_up_on_within_the_timeout()
    {
        await app.ControlRoomServiceAsync(new() { ["live_slow"] = ["u"] }, delayMs: 30_000);
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<LiveKitUnavailableException>(() => Rooms().ListParticipantsAsync("live_slow"));

        Assert.True(watch.Elapsed < LiveKitApp.RoomServiceTimeout + TimeSpan.FromSeconds(1), $"gave up after {watch.Elapsed}");
        Assert.True((await app.RoomServiceCallsAsync()).Length >= 2, "each attempt has its own timeout, so a hung attempt is retried");
        await app.ControlRoomServiceAsync([]);
    }

    [ToolFact("node", "npm")]
    public async Task A_refusal_from_LiveKit_is_not_retried_and_says_why()
    {
        await app.ControlRoomServiceAsync(new() { ["live_refused"] = ["u"] }, failNext: 1, failStatus: 400);

        var refused = await Assert.ThrowsAsync<LiveKitRequestException>(() => Rooms().DeleteRoomAsync("live_refused"));

        Assert.Equal(400, refused.Status);
        Assert.Single(await app.RoomServiceCallsAsync());
    }

    private LiveKitRoomService Rooms() => app.Services.GetRequiredService<LiveKitRoomService>();
}
