using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.Battles;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Live;

/// <summary>
/// PK battles (API.md, Live): invite → accept or decline within 30 s (else expired) → active for durationSeconds → ended
/// on the server's clock, one battle per live, gifts scored for their side once, forfeit when a live ends, BOLA.
/// </summary>
public sealed class PkBattleTests(PkApp app) : IClassFixture<PkApp>
{
    [Fact]
    public async Task An_accepted_invitation_is_active_from_now_until_durationSeconds_later_and_shows_on_both_lives()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();

        var invited = await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA}/pk", new { opponentLiveId = liveB, durationSeconds = 120 }))
            .ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("invited", invited.GetProperty("status").GetString());
        var pk = invited.GetProperty("id").GetGuid();
        Assert.Equal([(liveA, a.Id, 0L), (liveB, b.Id, 0L)], Sides(invited));
        Assert.Equal(JsonValueKind.Null, invited.GetProperty("startedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, invited.GetProperty("winnerLiveId").ValueKind);
        Assert.Equal(pk, (await app.ReadLiveAsync(liveB)).GetProperty("pk").GetProperty("id").GetGuid());

        var before = app.Clock.GetUtcNow().UtcDateTime;
        var accepted = await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);
        var after = app.Clock.GetUtcNow().UtcDateTime;

        Assert.Equal("active", accepted.GetProperty("status").GetString());
        var startedAt = accepted.GetProperty("startedAt").GetDateTime();
        Assert.InRange(startedAt, before.AddMilliseconds(-1), after.AddMilliseconds(1));
        Assert.Equal(startedAt.AddSeconds(120), accepted.GetProperty("endsAt").GetDateTime());
        // The accepting creator is the guest of the inviter's room.
        var guest = accepted.GetProperty("guest");
        Assert.Equal(liveA, guest.GetProperty("liveId").GetGuid());
        Assert.Equal("live_" + liveA.ToString("N"), guest.GetProperty("roomName").GetString());
        Assert.False(string.IsNullOrEmpty(guest.GetProperty("token").GetString()));
        Assert.Equal(liveB, (await PkApp.ReadAsync(a, pk)).GetProperty("guest").GetProperty("liveId").GetGuid());

        foreach (var live in new[] { liveA, liveB })
        {
            var shown = (await app.ReadLiveAsync(live)).GetProperty("pk");
            Assert.Equal(pk, shown.GetProperty("id").GetGuid());
            Assert.Equal("active", shown.GetProperty("status").GetString());
            Assert.Equal(startedAt.AddSeconds(120), shown.GetProperty("endsAt").GetDateTime());
            Assert.Equal(JsonValueKind.Null, shown.GetProperty("guest").ValueKind); // a public read carries no token
        }

        var viewer = await app.CreateUserAsync();
        var seen = await PkApp.ReadAsync(viewer, pk);
        Assert.Equal("active", seen.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("guest").ValueKind);
    }

    [Fact]
    public async Task A_declined_invitation_frees_both_lives_and_the_default_duration_is_300_seconds()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var invited = await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA}/pk", new { opponentLiveId = liveB })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(300, invited.GetProperty("durationSeconds").GetInt32());
        var pk = invited.GetProperty("id").GetGuid();

        var declined = await (await b.Client.PostAsync($"/api/v1/pk/{pk}/decline", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Equal("declined", (await PkApp.ReadAsync(a, pk)).GetProperty("status").GetString());
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pk_closed");
        Assert.Equal(JsonValueKind.Null, (await app.ReadLiveAsync(liveA)).GetProperty("pk").ValueKind);
        await PkApp.InviteAsync(b, liveB, liveA); // both free again
    }

    [Fact]
    public async Task An_invitation_lapses_after_30_seconds_accepting_then_is_pk_expired_and_it_shows_expired()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (c, liveC) = await app.GoLiveAsync();
        var (d, liveD) = await app.GoLiveAsync();
        var pk = await PkApp.InviteAsync(a, liveA, liveB);
        var swept = await PkApp.InviteAsync(c, liveC, liveD);

        app.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("invited", (await PkApp.ReadAsync(a, pk)).GetProperty("status").GetString());
        app.Clock.Advance(TimeSpan.FromSeconds(1.5));

        Assert.Equal("expired", (await PkApp.ReadAsync(a, pk)).GetProperty("status").GetString()); // before any sweep
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pk_expired");
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/decline", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pk_expired");
        Assert.Equal("expired", (await PkApp.ReadAsync(b, pk)).GetProperty("status").GetString());
        await PkApp.InviteAsync(b, liveB, liveA); // the lapsed invitation no longer holds the lives

        await app.SweepAsync(); // the sweep marks the other lapsed invitation and frees its lives
        Assert.Equal(PkStatus.Expired, await app.WithDbAsync(db => db.Set<PkBattle>().Where(x => x.Id == swept).Select(x => x.Status).SingleAsync()));
        await PkApp.InviteAsync(d, liveD, liveC);
    }

    [Fact]
    public async Task A_live_in_an_invited_or_active_battle_cannot_be_in_another_even_when_invitations_race()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (c, liveC) = await app.GoLiveAsync();
        var pk = await PkApp.InviteAsync(a, liveA, liveB);

        await (await Invite(c, liveC, liveB)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_in_pk"); // the opponent is invited
        await (await Invite(a, liveA, liveC)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_in_pk"); // the inviter is
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);
        await (await Invite(c, liveC, liveA)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_in_pk"); // active now

        // Two creators invite one live at the same instant; one creator invites two lives at once.
        var (d, liveD) = await app.GoLiveAsync();
        var (e, liveE) = await app.GoLiveAsync();
        var (_, liveF) = await app.GoLiveAsync();
        var (_, liveG) = await app.GoLiveAsync();
        var (h, liveH) = await app.GoLiveAsync();
        var sameOpponent = await Task.WhenAll(Invite(d, liveD, liveC), Invite(e, liveE, liveC));
        var sameInviter = await Task.WhenAll(Invite(h, liveH, liveF), Invite(h, liveH, liveG));
        var (i, liveI) = await app.GoLiveAsync();
        var (j, liveJ) = await app.GoLiveAsync();
        var crossing = await Task.WhenAll(Invite(i, liveI, liveJ), Invite(j, liveJ, liveI));
        foreach (var race in new[] { sameOpponent, sameInviter, crossing })
        {
            var answers = await Task.WhenAll(race.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"));
            Assert.True(race.Select(r => r.StatusCode).Order().SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]), string.Join(" | ", answers));
            await race.Single(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_in_pk");
        }

        Assert.Equal(1, await app.WithDbAsync(db => db.Set<PkBattle>().CountAsync(x => x.OpponentLiveId == liveC)));
    }

    [Fact]
    public async Task Nobody_invites_from_someone_elses_live_or_answers_a_battle_not_addressed_to_them()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (stranger, _) = await app.GoLiveAsync();
        var fan = await app.CreateUserAsync();

        await (await Invite(stranger, liveA, liveB)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found"); // from A's live
        await (await Invite(fan, liveA, liveB)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Invite(a, Guid.NewGuid(), liveB)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Invite(a, liveA, Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var pk = await PkApp.InviteAsync(a, liveA, liveB);

        foreach (var outsider in new[] { a, stranger, fan }) // the inviter cannot accept for the opponent either
        {
            await (await outsider.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await outsider.Client.PostAsync($"/api/v1/pk/{pk}/decline", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal("invited", (await PkApp.ReadAsync(b, pk)).GetProperty("status").GetString());
        await (await b.Client.PostAsync($"/api/v1/pk/{Guid.NewGuid()}/accept", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await fan.Client.GetAsync($"/api/v1/pk/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/v1/pk/{pk}")).StatusCode);

        // Someone both creators blocked sees neither live, so not the battle.
        var blocked = await app.CreateUserAsync();
        (await a.Client.PostAsync($"/api/v1/users/{blocked.Id}/block", null)).EnsureSuccessStatusCode();
        (await b.Client.PostAsync($"/api/v1/users/{blocked.Id}/block", null)).EnsureSuccessStatusCode();
        await (await blocked.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await stranger.Client.GetAsync($"/api/v1/pk/{pk}")).StatusCode);
    }

    [Fact]
    public async Task Ones_own_live_a_blocked_creator_and_a_bad_duration_are_refused()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (c, liveC) = await app.GoLiveAsync();
        (await c.Client.PostAsync($"/api/v1/users/{a.Id}/block", null)).EnsureSuccessStatusCode();

        await (await Invite(a, liveA, liveA)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "own_live");
        await (await Invite(a, liveA, liveC)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked"); // C blocked A
        await (await Invite(c, liveC, liveA)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked"); // and the other way
        foreach (var duration in new[] { 59, 901 })
        {
            await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA}/pk", new { opponentLiveId = liveB, durationSeconds = duration }))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }

        await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA}/pk", new { durationSeconds = 60 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await PkApp.InviteAsync(a, liveA, liveB, durationSeconds: 60);
    }

    [Fact]
    public async Task A_gift_in_a_battle_counts_for_its_side_once_even_retried_or_redelivered_and_not_before_accept_or_after_endsAt()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (fanA, fanB) = (await app.FanAsync(), await app.FanAsync());
        var pk = await PkApp.InviteAsync(a, liveA, liveB, durationSeconds: 60);
        await PkApp.GiftAsync(fanA, a.Id, 50, liveA); // invited, not yet active
        await app.OutboxDrainedAsync();
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);

        await PkApp.GiftAsync(fanA, a.Id, 10, liveA, idempotencyKey: "pk-gift-retried-" + pk);
        await PkApp.GiftAsync(fanA, a.Id, 10, liveA, idempotencyKey: "pk-gift-retried-" + pk); // the same request again
        var redelivered = await PkApp.GiftAsync(fanB, b.Id, 7, liveB);
        await PkApp.GiftAsync(fanB, b.Id, 3, liveB);
        await app.OutboxDrainedAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<OutboxMessage>()
            .Where(m => m.EventType == "GiftSent" && m.Handler.Contains(nameof(GiftScoresPk)) && m.Payload.Contains(redelivered.ToString()))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null))));
        await app.OutboxDrainedAsync();

        Assert.Equal(new Dictionary<Guid, long> { [liveA] = 10, [liveB] = 10 }, PkApp.Scores(await PkApp.ReadAsync(a, pk)));

        app.Clock.Advance(TimeSpan.FromSeconds(61)); // endsAt passed, the sweep has not run: still active, but the gift is late
        await PkApp.GiftAsync(fanB, b.Id, 100, liveB);
        await app.OutboxDrainedAsync();
        var late = await PkApp.ReadAsync(a, pk);
        Assert.Equal("active", late.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<Guid, long> { [liveA] = 10, [liveB] = 10 }, PkApp.Scores(late));
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<PkContribution>().CountAsync(c => c.BattleId == pk && c.LiveId == liveB)));
    }

    [Fact]
    public async Task The_sweep_ends_a_battle_whose_time_is_up_with_the_higher_score_winning_once_however_many_sweeps_race()
    {
        var (a, liveA, b, liveB, pk) = await app.ActiveBattleAsync(durationSeconds: 60);
        var fan = await app.FanAsync();
        await PkApp.GiftAsync(fan, b.Id, 5, liveB);
        await app.OutboxDrainedAsync();

        app.Clock.Advance(TimeSpan.FromSeconds(59));
        await app.SweepAsync();
        Assert.Equal("active", (await PkApp.ReadAsync(a, pk)).GetProperty("status").GetString());

        app.Clock.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(app.SweepAsync)));

        var ended = await PkApp.ReadAsync(a, pk);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal(liveB, ended.GetProperty("winnerLiveId").GetGuid());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("guest").ValueKind);
        Assert.Equal(1, await app.PkEndedRaisedAsync(pk));
        Assert.Equal(JsonValueKind.Null, (await app.ReadLiveAsync(liveA)).GetProperty("pk").ValueKind);
        await PkApp.InviteAsync(b, liveB, liveA); // both free for the next battle
    }

    [Fact]
    public async Task A_tie_has_no_winner()
    {
        var (a, liveA, b, liveB, pk) = await app.ActiveBattleAsync(durationSeconds: 60);
        var fan = await app.FanAsync();
        await PkApp.GiftAsync(fan, a.Id, 4, liveA);
        await PkApp.GiftAsync(fan, b.Id, 4, liveB);
        await app.OutboxDrainedAsync();

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await app.SweepAsync();

        var ended = await PkApp.ReadAsync(a, pk);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<Guid, long> { [liveA] = 4, [liveB] = 4 }, PkApp.Scores(ended));
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("winnerLiveId").ValueKind);
    }

    [Fact]
    public async Task Ending_a_live_forfeits_its_battle_to_the_other_side_and_closes_its_invitations()
    {
        var (a, liveA, b, liveB, pk) = await app.ActiveBattleAsync();
        var fan = await app.FanAsync();
        await PkApp.GiftAsync(fan, b.Id, 30, liveB); // B leads, and leaves
        await app.OutboxDrainedAsync();

        (await b.Client.PostAsync($"/api/v1/live/{liveB}/end", null)).EnsureSuccessStatusCode();
        await app.OutboxDrainedAsync();

        var ended = await PkApp.ReadAsync(a, pk);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        Assert.Equal(liveA, ended.GetProperty("winnerLiveId").GetGuid());
        Assert.Equal(1, await app.PkEndedRaisedAsync(pk));

        var (c, liveC) = await app.GoLiveAsync();
        var invitation = await PkApp.InviteAsync(a, liveA, liveC);
        (await a.Client.PostAsync($"/api/v1/live/{liveA}/end", null)).EnsureSuccessStatusCode();
        await app.OutboxDrainedAsync();
        Assert.Equal("expired", (await PkApp.ReadAsync(c, invitation)).GetProperty("status").GetString());
        await (await c.Client.PostAsync($"/api/v1/pk/{invitation}/accept", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pk_expired");
    }

    [Fact]
    public async Task Watchers_of_both_lives_hear_the_scores_and_the_result()
    {
        var (a, liveA, _, liveB, pk) = await app.ActiveBattleAsync(durationSeconds: 60);
        await using var watcherA = await app.ConnectHubAsync(await app.CreateUserAsync());
        await using var watcherB = await app.ConnectHubAsync(await app.CreateUserAsync());
        await watcherA.InvokeAsync("JoinLive", liveA.ToString());
        await watcherB.InvokeAsync("JoinLive", liveB.ToString());
        var fan = await app.FanAsync();

        await PkApp.GiftAsync(fan, a.Id, 9, liveA);

        foreach (var watcher in new[] { watcherA, watcherB })
        {
            var score = await watcher.WaitForAsync("pkScore", e => e.GetProperty("sides")[0].GetProperty("score").GetInt64() == 9);
            Assert.Equal(pk, score.GetProperty("pkId").GetGuid());
            Assert.Equal([(liveA, 9L), (liveB, 0L)], ScoreSides(score));
        }

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await app.SweepAsync();

        foreach (var watcher in new[] { watcherA, watcherB })
        {
            var ended = await watcher.WaitForAsync("pkEnded");
            Assert.Equal(pk, ended.GetProperty("pkId").GetGuid());
            Assert.Equal(liveA, ended.GetProperty("winnerLiveId").GetGuid());
            Assert.Equal([(liveA, 9L), (liveB, 0L)], ScoreSides(ended));
        }
    }

    [Fact]
    public async Task A_burst_of_gifts_reaches_watchers_as_at_most_four_scores_a_second_ending_with_the_final_one()
    {
        var (a, liveA, _, _, pk) = await app.ActiveBattleAsync();
        await using var watcher = await app.ConnectHubAsync(await app.CreateUserAsync());
        await watcher.InvokeAsync("JoinLive", liveA.ToString());
        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.FanAsync()));

        var started = DateTime.UtcNow;
        await Task.WhenAll(fans.Select(fan => PkApp.GiftAsync(fan, a.Id, 1, liveA)));
        await watcher.WaitForAsync("pkScore", e => e.GetProperty("sides")[0].GetProperty("score").GetInt64() == 10);
        var elapsed = DateTime.UtcNow - started;
        await Task.Delay(600); // nothing more after the final score

        var scores = watcher.EventsOf("pkScore");
        Assert.Equal(10, scores[^1].GetProperty("sides")[0].GetProperty("score").GetInt64());
        Assert.True(scores.Count <= 1 + (4 * Math.Ceiling(elapsed.TotalSeconds + 0.6)), $"{scores.Count} scores in {elapsed.TotalSeconds:0.0} s");
        Assert.All(scores, s => Assert.Equal(pk, s.GetProperty("pkId").GetGuid()));
    }

    [Fact]
    public async Task A_creators_history_lists_their_battles_on_either_side_newest_first_in_pages()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var (c, liveC) = await app.GoLiveAsync();
        var first = await PkApp.InviteAsync(a, liveA, liveB);
        await (await b.Client.PostAsync($"/api/v1/pk/{first}/decline", null)).ShouldBeAsync(HttpStatusCode.OK);
        var second = await PkApp.InviteAsync(c, liveC, liveA); // A as the opponent
        var viewer = await app.CreateUserAsync();

        var page = await (await viewer.Client.GetAsync($"/api/v1/pk?creatorId={a.Id}&limit=1")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([second], Ids(page));
        var cursor = page.GetProperty("nextCursor").GetString();
        var next = await (await viewer.Client.GetAsync($"/api/v1/pk?creatorId={a.Id}&limit=1&cursor={cursor}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([first], Ids(next));
        Assert.Equal("declined", next.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextCursor").ValueKind);
        Assert.Equal([first], Ids(await (await viewer.Client.GetAsync($"/api/v1/pk?creatorId={b.Id}")).ShouldBeAsync(HttpStatusCode.OK)));

        await (await viewer.Client.GetAsync("/api/v1/pk")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        (await a.Client.PostAsync($"/api/v1/users/{viewer.Id}/block", null)).EnsureSuccessStatusCode();
        await (await viewer.Client.GetAsync($"/api/v1/pk?creatorId={a.Id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    private static Task<HttpResponseMessage> Invite(TestUser caller, Guid from, Guid to) =>
        caller.Client.PostAsJsonAsync($"/api/v1/live/{from}/pk", new { opponentLiveId = to, durationSeconds = 120 });

    private static List<(Guid, Guid, long)> Sides(JsonElement battle) =>
        [.. battle.GetProperty("sides").EnumerateArray().Select(s => (s.GetProperty("liveId").GetGuid(), s.GetProperty("creatorId").GetGuid(), s.GetProperty("score").GetInt64()))];

    private static List<(Guid, long)> ScoreSides(JsonElement e) =>
        [.. e.GetProperty("sides").EnumerateArray().Select(s => (s.GetProperty("liveId").GetGuid(), s.GetProperty("score").GetInt64()))];

    private static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
}
