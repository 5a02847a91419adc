using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.LiveKit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// <c>POST /api/v1/livekit/webhooks</c> takes what LiveKit sends (signed by LiveKit's SDK here), refuses anything else with
/// 401 <c>invalid_signature</c>, acts on each event id once, and tells the rest of Spotlight through domain events.
/// </summary>
public sealed class LiveKitWebhookTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_room_finished_signed_by_the_sdk_is_accepted_and_raises_LiveKitRoomFinished()
    {
        var id = NewEventId();
        var signed = await app.SignWebhookAsync(new { @event = "room_finished", id, createdAt = "1764400000", room = new { name = "live_a", sid = "RM_a" } });

        var receipt = await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("processed", receipt.GetProperty("outcome").GetString());
        var finished = await app.Events.WaitForAsync<LiveKitRoomFinished>(e => e.EventId == id);
        Assert.Equal("live_a", finished.Room);
        Assert.Equal("RM_a", finished.RoomSid);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1764400000), finished.OccurredAt);
    }

    [ToolFact("node", "npm")]
    public async Task Every_followed_event_becomes_its_typed_domain_event()
    {
        var room = new { name = "live_b", sid = "RM_b" };
        var participant = new { identity = "user-1", sid = "PA_1", name = "Ada" };
        var ids = Enumerable.Range(0, 5).Select(_ => NewEventId()).ToArray();
        await AcceptAsync(new { @event = "room_started", id = ids[0], room });
        await AcceptAsync(new { @event = "participant_joined", id = ids[1], room, participant });
        await AcceptAsync(new { @event = "track_published", id = ids[2], room, participant, track = new { sid = "TR_1", type = "VIDEO", source = "CAMERA" } });
        await AcceptAsync(new { @event = "participant_left", id = ids[3], room, participant });
        await AcceptAsync(new { @event = "participant_connection_aborted", id = ids[4], room, participant });

        Assert.Equal("RM_b", (await app.Events.WaitForAsync<LiveKitRoomStarted>(e => e.EventId == ids[0])).RoomSid);
        var joined = await app.Events.WaitForAsync<LiveKitParticipantJoined>(e => e.EventId == ids[1]);
        Assert.Equal(("live_b", "user-1", "PA_1", "Ada"), (joined.Room, joined.Identity, joined.ParticipantSid, joined.Name));
        var track = await app.Events.WaitForAsync<LiveKitTrackPublished>(e => e.EventId == ids[2]);
        Assert.Equal(("user-1", "TR_1", "VIDEO", "CAMERA"), (track.Identity, track.TrackSid, track.TrackType, track.Source));
        Assert.False((await app.Events.WaitForAsync<LiveKitParticipantLeft>(e => e.EventId == ids[3])).Aborted);
        Assert.True((await app.Events.WaitForAsync<LiveKitParticipantLeft>(e => e.EventId == ids[4])).Aborted);
    }

    [ToolFact("node", "npm")]
    public async Task The_same_event_delivered_twice_is_acted_on_once()
    {
        var id = NewEventId();
        var signed = await app.SignWebhookAsync(new { @event = "participant_joined", id, room = new { name = "live_c" }, participant = new { identity = "user-2" } });

        var first = await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);
        var second = await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("processed", first.GetProperty("outcome").GetString());
        Assert.Equal("duplicate", second.GetProperty("outcome").GetString());
        await app.Events.WaitForAsync<LiveKitParticipantJoined>(e => e.EventId == id);
        await Task.Delay(500); // a second delivery, were there one, would be relayed by now
        Assert.Single(app.Events.Of<LiveKitParticipantJoined>(), e => e.EventId == id);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<LiveKitWebhookEvent>().CountAsync(e => e.EventId == id)));
    }

    [ToolFact("node", "npm")]
    public async Task Event_ids_are_kept_a_week_then_forgotten()
    {
        var (old, recent) = (NewEventId(), NewEventId());
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                new LiveKitWebhookEvent { Id = Guid.CreateVersion7(), EventId = old, Event = "room_started", ReceivedAt = now.AddDays(-8) },
                new LiveKitWebhookEvent { Id = Guid.CreateVersion7(), EventId = recent, Event = "room_started", ReceivedAt = now.AddDays(-6) });
            await db.SaveChangesAsync();
        });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var job = scope.ServiceProvider.GetServices<Spotlight.Platform.Jobs.IJobHandler>().Single(j => j.Type == "livekit-webhook-cleanup");
            await job.RunAsync(new Spotlight.Platform.Jobs.JobRun(Guid.CreateVersion7(), job.Type, null, 1), CancellationToken.None);
        }

        var kept = await app.WithDbAsync(db => db.Set<LiveKitWebhookEvent>().Where(e => e.EventId == old || e.EventId == recent).Select(e => e.EventId).ToListAsync());
        Assert.Equal([recent], kept);
    }

    [ToolFact("node", "npm")]
    public async Task The_token_is_accepted_with_or_without_Bearer_and_as_application_json_too()
    {
        var signed = await app.SignWebhookAsync(new { @event = "room_started", id = NewEventId(), room = new { name = "live_d" } });
        await (await PostAsync(signed, authorization: "Bearer " + signed.Token, contentType: "application/json")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [ToolFact("node", "npm")]
    public async Task The_body_as_LiveKits_server_writes_it_with_proto_field_names_is_read()
    {
        var id = NewEventId();
        var signed = await app.SignRawWebhookAsync(
            $$"""{"event":"participant_joined","room":{"sid":"RM_e","name":"live_e"},"participant":{"sid":"PA_e","identity":"user-3","name":"Bo"},"id":"{{id}}","created_at":"1764400001"}""");

        await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);

        var joined = await app.Events.WaitForAsync<LiveKitParticipantJoined>(e => e.EventId == id);
        Assert.Equal(("live_e", "user-3", DateTime.UnixEpoch.AddSeconds(1764400001)), (joined.Room, joined.Identity, joined.OccurredAt));
    }

    [ToolFact("node", "npm")]
    public async Task An_event_spotlight_does_not_follow_is_acknowledged_and_ignored()
    {
        var signed = await app.SignWebhookAsync(new { @event = "egress_started", id = NewEventId() });
        var receipt = await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("ignored", receipt.GetProperty("outcome").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var id = NewEventId();
        var signed = await app.SignWebhookAsync(new { @event = "room_finished", id, room = new { name = "live_f" } });
        var tampered = signed with { Body = signed.Body.Replace("live_f", "live_g", StringComparison.Ordinal) };

        await (await PostAsync(tampered)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<LiveKitWebhookEvent>().CountAsync(e => e.EventId == id)));
    }

    [ToolFact("node", "npm")]
    public async Task A_token_signed_with_another_secret_or_issued_by_another_key_is_refused()
    {
        var wrongSecret = await app.SignWebhookAsync(new { @event = "room_finished", id = NewEventId(), room = new { name = "live_h" } },
            apiSecret: "not-the-livekit-secret-0123456789abcdef");
        var wrongKey = await app.SignWebhookAsync(new { @event = "room_finished", id = NewEventId(), room = new { name = "live_h" } }, apiKey: "APIsomeoneElse");

        await (await PostAsync(wrongSecret)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        await (await PostAsync(wrongKey)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
    }

    [ToolFact("node", "npm")]
    public async Task An_expired_token_or_none_at_all_is_refused()
    {
        var stale = await app.SignWebhookAsync(new { @event = "room_finished", id = NewEventId(), room = new { name = "live_i" } }, ttl: "-1m");

        await (await PostAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        await (await PostAsync(stale, authorization: "")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
        await (await PostAsync(stale, authorization: "not-a-jwt")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_signature");
    }

    [ToolFact("node", "npm")]
    public async Task During_a_rotation_a_webhook_signed_with_the_replaced_secret_is_still_accepted()
    {
        var signed = await app.SignWebhookAsync(new { @event = "room_started", id = NewEventId(), room = new { name = "live_j" } }, apiSecret: LiveKitApp.PreviousApiSecret);
        await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [ToolFact("node", "npm")]
    public async Task A_body_that_is_not_json_is_refused_with_415_or_400()
    {
        var signed = await app.SignRawWebhookAsync("""{"event":"room_finished","id":"EV_x"}""");
        await (await PostAsync(signed, contentType: "text/plain")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await PostAsync(signed)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_payload"); // room_finished without its room
    }

    private async Task AcceptAsync(object webhookEvent)
    {
        var signed = await app.SignWebhookAsync(webhookEvent);
        var receipt = await (await PostAsync(signed)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("processed", receipt.GetProperty("outcome").GetString());
    }

    private Task<HttpResponseMessage> PostAsync(SignedWebhook signed, string? authorization = null, string contentType = "application/webhook+json") =>
        app.PostWebhookAsync(signed, authorization, contentType);

    private static string NewEventId() => "EV_" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Without LiveKit settings the server starts, and the receiver says why it refuses.</summary>
public sealed class LiveKitNotConfiguredTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Without_url_key_and_secret_the_webhook_answers_503_livekit_not_configured()
    {
        using var content = new StringContent("""{"event":"room_finished","id":"EV_1","room":{"name":"r"}}""", Encoding.UTF8, "application/webhook+json");

        var response = await app.CreateClient().PostAsync("/api/v1/livekit/webhooks", content);

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "livekit_not_configured");
    }

    [Fact]
    public async Task Without_LiveKit_a_creator_cannot_go_live_and_is_told_why()
    {
        var creator = await app.CreateUserAsync("creator");

        var response = await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Nothing to stream on" });

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "livekit_not_configured");
    }
}
