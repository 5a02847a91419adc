using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.Battles;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Live;

/// <summary>
/// A wallet server that can start lives and battle (LiveKit configured; no call reaches LiveKit here), a quick outbox,
/// and the PK sweep left to the tests (<see cref="SweepAsync"/>), so "after endsAt but before the sweep" can be seen.
/// </summary>
public sealed class PkApp : LeaderboardApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Pk:SweepIntervalSeconds"] = "3600",
        ["LiveKit:RoomServiceTimeout"] = "00:00:01", // nothing listens there: ending a live gives up on its room quickly
        ["LiveKit:RoomServiceAttemptTimeout"] = "00:00:00.5",
        ["LiveKit:RoomServiceRetries"] = "0",
    };

    public async Task<(TestUser Creator, Guid Live)> GoLiveAsync(string visibility = "public")
    {
        var creator = await CreatorAsync();
        var live = await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Live", visibility })).ShouldBeAsync(HttpStatusCode.Created);
        return (creator, live.GetProperty("id").GetGuid());
    }

    /// <summary>Live <paramref name="from"/> invites live <paramref name="to"/>; the battle's id.</summary>
    public static async Task<Guid> InviteAsync(TestUser creator, Guid from, Guid to, int durationSeconds = 120)
    {
        var battle = await (await creator.Client.PostAsJsonAsync($"/api/v1/live/{from}/pk", new { opponentLiveId = to, durationSeconds }))
            .ShouldBeAsync(HttpStatusCode.Created);
        return battle.GetProperty("id").GetGuid();
    }

    /// <summary>Two lives in an active battle: (inviter, its live, opponent, its live, the battle).</summary>
    public async Task<(TestUser A, Guid LiveA, TestUser B, Guid LiveB, Guid Pk)> ActiveBattleAsync(int durationSeconds = 120)
    {
        var (a, liveA) = await GoLiveAsync();
        var (b, liveB) = await GoLiveAsync();
        var pk = await InviteAsync(a, liveA, liveB, durationSeconds);
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);
        return (a, liveA, b, liveB, pk);
    }

    public async Task<TestUser> FanAsync()
    {
        var fan = await CreateUserAsync();
        await FundAsync(fan.Id, 1_000);
        return fan;
    }

    /// <summary><paramref name="coins"/> roses (1 coin each) to <paramref name="creatorId"/> in <paramref name="live"/>; the ledger transaction.</summary>
    public static async Task<Guid> GiftAsync(TestUser fan, Guid creatorId, int coins, Guid live, string? idempotencyKey = null)
    {
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creatorId, giftId = "rose", quantity = coins, liveSessionId = live }, idempotencyKey))
            .ShouldBeAsync(HttpStatusCode.Created);
        return gift.GetProperty("transactionId").GetGuid();
    }

    public async Task<JsonElement> ReadLiveAsync(Guid live) => await (await CreateClient().GetAsync($"/api/v1/live/{live}")).ShouldBeAsync(HttpStatusCode.OK);

    public static async Task<JsonElement> ReadAsync(TestUser caller, Guid pk) =>
        await (await caller.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeAsync(HttpStatusCode.OK);

    /// <summary>The scores by live, as <c>GET /pk/{id}</c> shows them.</summary>
    public static Dictionary<Guid, long> Scores(JsonElement battle) =>
        battle.GetProperty("sides").EnumerateArray().ToDictionary(s => s.GetProperty("liveId").GetGuid(), s => s.GetProperty("score").GetInt64());

    /// <summary>What the recurring <c>pk-sweep</c> does, now.</summary>
    public async Task SweepAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PkReferee>().SweepAsync(CancellationToken.None);
    }

    /// <summary>Every event raised so far has been handled (none left, none dead).</summary>
    public async Task OutboxDrainedAsync()
    {
        for (var waited = 0; await WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.ProcessedAt == null && m.DeadAt == null)); waited += 100)
        {
            Assert.True(waited < 15_000, "The outbox did not drain in 15 s.");
            await Task.Delay(100);
        }

        Assert.False(await WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.DeadAt != null)), "An event handler failed for good.");
    }

    /// <summary>How many <see cref="PkEnded"/> events were raised for <paramref name="pk"/> (rows for its broadcaster).</summary>
    public Task<int> PkEndedRaisedAsync(Guid pk) => WithDbAsync(db => db.Set<OutboxMessage>()
        .CountAsync(m => m.EventType == nameof(PkEnded) && m.Handler.Contains(nameof(PkEndedBroadcaster)) && m.Payload.Contains(pk.ToString())));
}
