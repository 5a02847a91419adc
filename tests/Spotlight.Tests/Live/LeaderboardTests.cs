using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Live.Leaderboards;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Live;

/// <summary>A wallet server that can start lives (LiveKit configured; no call reaches LiveKit here) with a quick outbox.</summary>
public class LeaderboardApp : WalletApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["LiveKit:Url"] = "ws://127.0.0.1:9",
        ["LiveKit:ApiKey"] = LiveKitApp.ApiKey,
        ["LiveKit:ApiSecret"] = LiveKitApp.ApiSecret,
        ["Live:WatchIntervalSeconds"] = "3600",
        ["Outbox:PollIntervalSeconds"] = "0.1",
    };
}

/// <summary>
/// Leaderboards (API.md, Live): gifts sent through the API score a live's top gifters and the creators and gifters boards,
/// once per gift however often the event is delivered; reversals are taken off; periods reset in UTC and stay readable;
/// a rebuild from the ledger gives the same boards.
/// </summary>
public sealed class LeaderboardTests(LeaderboardApp app) : IClassFixture<LeaderboardApp>
{
    [Fact]
    public async Task Gifts_in_a_live_rank_its_top_gifters_with_the_callers_own_rank()
    {
        var (creator, live) = await GoLiveAsync();
        var (first, second, third) = (await FanAsync(), await FanAsync(), await FanAsync());
        await GiftAsync(first, creator.Id, 30, live);
        await GiftAsync(second, creator.Id, 50, live);
        await GiftAsync(third, creator.Id, 10, live);
        await GiftAsync(third, creator.Id, 10, live);
        await GiftAsync(third, creator.Id, 100); // not in the live: not on its board
        await DrainedAsync();

        var board = await (await app.CreateClient().GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([(1, second.Id, 50L), (2, first.Id, 30L), (3, third.Id, 20L)], Items(board));
        var card = board.GetProperty("items")[0].GetProperty("user");
        Assert.Equal(second.Handle, card.GetProperty("handle").GetString());
        Assert.True(card.TryGetProperty("displayName", out _) && card.TryGetProperty("avatarUrl", out _));
        Assert.Equal(JsonValueKind.Null, board.GetProperty("me").ValueKind); // signed out

        var mine = await (await first.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((2, 30L), Me(mine));
        Assert.Equal(JsonValueKind.Null, (await (await creator.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("me").ValueKind);
        var limited = await (await app.CreateClient().GetAsync($"/api/v1/live/{live}/leaderboard?limit=1")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([(1, second.Id, 50L)], Items(limited));

        await (await app.CreateClient().GetAsync($"/api/v1/live/{Guid.NewGuid()}/leaderboard")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Creators_and_gifters_boards_count_coins_received_and_given_with_me()
    {
        var (rich, modest) = (await app.CreatorAsync(), await app.CreatorAsync());
        var (big, small) = (await FanAsync(), await FanAsync());
        await GiftAsync(big, rich.Id, 400);
        await GiftAsync(small, rich.Id, 300);
        await GiftAsync(small, modest.Id, 5);
        await DrainedAsync();

        foreach (var period in new[] { "day", "week", "all" })
        {
            var creators = await (await rich.Client.GetAsync($"/api/v1/leaderboards/creators?period={period}&limit=100")).ShouldBeAsync(HttpStatusCode.OK);
            var ranked = Items(creators);
            var richRow = ranked.Single(i => i.User == rich.Id);
            Assert.Equal(700, richRow.Score);
            Assert.Equal(5, ranked.Single(i => i.User == modest.Id).Score);
            Assert.True(richRow.Rank < ranked.Single(i => i.User == modest.Id).Rank);
            Assert.Equal((richRow.Rank, 700L), Me(creators));
            Assert.DoesNotContain(ranked, i => i.User == big.Id); // a fan gave, received nothing

            var gifters = await (await small.Client.GetAsync($"/api/v1/leaderboards/gifters?period={period}&limit=100")).ShouldBeAsync(HttpStatusCode.OK);
            var smallRow = Items(gifters).Single(i => i.User == small.Id);
            Assert.Equal(305, smallRow.Score);
            Assert.Equal((smallRow.Rank, 305L), Me(gifters));
            Assert.True(Items(gifters).Single(i => i.User == big.Id).Rank < smallRow.Rank);
            Assert.Equal([.. Enumerable.Range(1, ranked.Count)], ranked.Select(i => i.Rank).ToArray()); // no gaps, in order
        }

        // Unscored callers have no rank.
        var nobody = await FanAsync();
        var board = await (await nobody.Client.GetAsync("/api/v1/leaderboards/gifters?period=day")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, board.GetProperty("me").ValueKind);
    }

    [Fact]
    public async Task A_tie_goes_to_the_one_who_reached_the_score_first()
    {
        var (creator, live) = await GoLiveAsync();
        var (early, late) = (await FanAsync(), await FanAsync());
        await GiftAsync(late, creator.Id, 5, live);
        await GiftAsync(early, creator.Id, 10, live); // reaches 10 first
        await GiftAsync(late, creator.Id, 5, live);   // reaches 10 after
        await DrainedAsync();

        var board = await (await late.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([(1, early.Id, 10L), (2, late.Id, 10L)], Items(board));
        Assert.Equal((2, 10L), Me(board));
    }

    [Fact]
    public async Task A_period_resets_at_midnight_UTC_and_the_old_one_stays_readable_with_at()
    {
        var creator = await app.CreatorAsync();
        var fan = await FanAsync();
        await GiftAsync(fan, creator.Id, 7);
        await DrainedAsync();
        var yesterday = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(7, Me(await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=day")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);

        app.Clock.Advance(TimeSpan.FromDays(1));
        fan = await app.SignInAsync(fan);
        var today = await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=day&limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Null(Me(today));
        Assert.DoesNotContain(Items(today), i => i.User == fan.Id);

        var before = await (await fan.Client.GetAsync($"/api/v1/leaderboards/gifters?period=day&at={yesterday}&limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(7, Items(before).Single(i => i.User == fan.Id).Score);
        Assert.Equal(7, Me(before)!.Value.Score);
        Assert.Equal(7, Me(await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=all")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);

        await GiftAsync(fan, creator.Id, 2);
        await DrainedAsync();
        Assert.Equal(2, Me(await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=day")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
        Assert.Equal(9, Me(await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=all")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
        Assert.Equal(7, Me(await (await fan.Client.GetAsync($"/api/v1/leaderboards/gifters?period=day&at={yesterday}")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
    }

    [Fact]
    public async Task A_reversed_gift_is_taken_off_every_board_it_scored()
    {
        var (creator, live) = await GoLiveAsync();
        var (fan, other) = (await FanAsync(), await FanAsync());
        await GiftAsync(fan, creator.Id, 10, live);
        await GiftAsync(other, creator.Id, 15, live);
        var refunded = await GiftAsync(fan, creator.Id, 20, live);
        await DrainedAsync();
        Assert.Equal([(1, fan.Id, 30L), (2, other.Id, 15L)], Items(await LiveBoardAsync(live)));

        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{refunded}/reverse", new { reason = "refund" })).ShouldBeAsync(HttpStatusCode.Created);
        await DrainedAsync();

        Assert.Equal([(1, other.Id, 15L), (2, fan.Id, 10L)], Items(await LiveBoardAsync(live)));
        foreach (var period in new[] { "day", "week", "all" })
        {
            Assert.Equal(10, Me(await (await fan.Client.GetAsync($"/api/v1/leaderboards/gifters?period={period}")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
            Assert.Equal(25, Me(await (await creator.Client.GetAsync($"/api/v1/leaderboards/creators?period={period}")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
        }
    }

    [Fact]
    public async Task A_redelivered_GiftSent_scores_once()
    {
        var (creator, live) = await GoLiveAsync();
        var fan = await FanAsync();
        var gift = await GiftAsync(fan, creator.Id, 15, live);
        await DrainedAsync();
        Assert.Equal(1, await RedeliverAsync(gift));
        await DrainedAsync();

        Assert.Equal([(1, fan.Id, 15L)], Items(await LiveBoardAsync(live)));
        Assert.Equal(15, Me(await (await fan.Client.GetAsync("/api/v1/leaderboards/gifters?period=all")).ShouldBeAsync(HttpStatusCode.OK))!.Value.Score);
    }

    [Fact]
    public async Task Rebuild_from_the_ledger_gives_exactly_the_boards_live_scoring_built()
    {
        var (creator, live) = await GoLiveAsync();
        var other = await app.CreatorAsync();
        var (a, b) = (await FanAsync(), await FanAsync());
        await GiftAsync(a, creator.Id, 5, live);
        await GiftAsync(b, creator.Id, 5, live);
        var reversed = await GiftAsync(b, creator.Id, 8, live);
        var redelivered = await GiftAsync(a, other.Id, 3);
        await GiftAsync(b, other.Id, 1);
        await DrainedAsync();
        Assert.Equal(1, await RedeliverAsync(redelivered));
        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{reversed}/reverse", new { reason = "refund" })).ShouldBeAsync(HttpStatusCode.Created);
        await DrainedAsync();
        var scored = await SnapshotAsync();

        var command = app.Services.GetServices<ICliCommand>().Single(c => c.Words.SequenceEqual(["leaderboards", "rebuild"]));
        Assert.Equal(0, await command.RunAsync(new Dictionary<string, string?>(), app.Services, CancellationToken.None));

        var rebuilt = await SnapshotAsync();
        Assert.NotEmpty(rebuilt);
        Assert.Equal(scored, rebuilt);
        Assert.Equal([(1, a.Id, 5L), (2, b.Id, 5L)], Items(await LiveBoardAsync(live)));
    }

    [Fact]
    public async Task A_banned_user_is_left_out_and_the_ranks_close_up()
    {
        var (creator, live) = await GoLiveAsync();
        var (banned, fan) = (await FanAsync(), await FanAsync());
        await GiftAsync(banned, creator.Id, 50, live);
        await GiftAsync(fan, creator.Id, 20, live);
        await DrainedAsync();
        Assert.Equal((2, 20L), Me(await (await fan.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK)));

        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{banned.Id}/ban", new { reason = "spam" })).ShouldBeAsync(HttpStatusCode.OK);

        var board = await (await fan.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([(1, fan.Id, 20L)], Items(board));
        Assert.Equal((1, 20L), Me(board));
    }

    [Fact]
    public async Task The_cleanup_job_deletes_day_and_week_periods_older_than_KeepDays_and_keeps_all_time()
    {
        var user = Guid.NewGuid();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var old = now.AddDays(-100);
        var recent = now.AddDays(-80);
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                new LeaderboardScore { Board = "gifters", Period = Boards.Day(old), UserId = user, Score = 1, ReachedAt = old },
                new LeaderboardScore { Board = "gifters", Period = Boards.Week(old), UserId = user, Score = 1, ReachedAt = old },
                new LeaderboardScore { Board = "gifters", Period = Boards.Day(recent), UserId = user, Score = 1, ReachedAt = recent },
                new LeaderboardScore { Board = "gifters", Period = Boards.Week(recent), UserId = user, Score = 1, ReachedAt = recent },
                new LeaderboardScore { Board = "gifters", Period = Boards.All, UserId = user, Score = 4, ReachedAt = old });
            await db.SaveChangesAsync();
        });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<LeaderboardCleanupJob>().RunAsync(new Spotlight.Platform.Jobs.JobRun(Guid.NewGuid(), LeaderboardCleanupJob.JobType, null, 1), CancellationToken.None);
        }

        var kept = await app.WithDbAsync(db => db.Set<LeaderboardScore>().Where(s => s.UserId == user).Select(s => s.Period).ToListAsync());
        Assert.Equal([Boards.All, Boards.Day(recent), Boards.Week(recent)], kept.Order(StringComparer.Ordinal).ToArray());
        await app.WithDbAsync(db => db.Set<LeaderboardScore>().Where(s => s.UserId == user).ExecuteDeleteAsync()); // not gifts: a rebuild would not make them
    }

    [Fact]
    public async Task An_unknown_board_period_date_or_limit_is_refused()
    {
        var client = app.CreateClient();
        await (await client.GetAsync("/api/v1/leaderboards/whales")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync("/api/v1/leaderboards/creators?period=month")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync("/api/v1/leaderboards/creators?period=day&at=yesterday")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync("/api/v1/leaderboards/gifters?limit=101")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await client.GetAsync("/api/v1/leaderboards/gifters?period=week")).ShouldBeAsync(HttpStatusCode.OK);
    }

    private async Task<(TestUser Creator, Guid Live)> GoLiveAsync()
    {
        var creator = await app.CreatorAsync();
        var live = await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Live" })).ShouldBeAsync(HttpStatusCode.Created);
        return (creator, live.GetProperty("id").GetGuid());
    }

    private async Task<TestUser> FanAsync()
    {
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, 1_000);
        return fan;
    }

    /// <summary>Sends <paramref name="coins"/> roses (1 coin each) through the API; the ledger transaction's id.</summary>
    private static async Task<Guid> GiftAsync(TestUser fan, Guid creatorId, int coins, Guid? live = null)
    {
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creatorId, giftId = "rose", quantity = coins, liveSessionId = live }))
            .ShouldBeAsync(HttpStatusCode.Created);
        return gift.GetProperty("transactionId").GetGuid();
    }

    private async Task<JsonElement> LiveBoardAsync(Guid live) =>
        await (await app.CreateClient().GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);

    /// <summary>The relay delivers the gift's event to the leaderboards again, as after a crash before it marked the row.</summary>
    private Task<int> RedeliverAsync(Guid transactionId) => app.WithDbAsync(db => db.Set<OutboxMessage>()
        .Where(m => m.EventType == "GiftSent" && m.Handler.Contains(nameof(GiftScoresLeaderboards)) && m.Payload.Contains(transactionId.ToString()))
        .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null)));

    private async Task DrainedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null && m.DeadAt == null)) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The outbox did not drain in 15 s.");
            await Task.Delay(100);
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.DeadAt != null)));
    }

    private Task<List<string>> SnapshotAsync() => app.WithDbAsync(async db =>
        (await db.Set<LeaderboardScore>().AsNoTracking().ToListAsync())
            .OrderBy(s => s.Board, StringComparer.Ordinal).ThenBy(s => s.Period, StringComparer.Ordinal).ThenBy(s => s.UserId)
            .Select(s => $"{s.Board} {s.Period} {s.UserId} {s.Score} {s.ReachedAt.Ticks}").ToList());

    private static List<(int Rank, Guid User, long Score)> Items(JsonElement board) =>
        [.. board.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("rank").GetInt32(), i.GetProperty("user").GetProperty("id").GetGuid(), i.GetProperty("score").GetInt64()))];

    private static (int Rank, long Score)? Me(JsonElement board) =>
        board.GetProperty("me") is { ValueKind: JsonValueKind.Object } me ? (me.GetProperty("rank").GetInt32(), me.GetProperty("score").GetInt64()) : null;
}
