using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spotlight.Live.Leaderboards;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>A leaderboard server that counts only the first three ranks exactly, so a short board has deep callers.</summary>
public sealed class DeepRankLeaderboardApp : LeaderboardApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Leaderboards:ExactRanks"] = "3",
        ["Leaderboards:RankSnapshotSeconds"] = "60",
    };
}

/// <summary>
/// Deep ranks (docs/live.md, Leaderboards): a caller within <c>Leaderboards:ExactRanks</c> is ranked by counting, always
/// exact; a caller below it is ranked in a copy of the board at most <c>Leaderboards:RankSnapshotSeconds</c> old, never
/// placed above the exact ranks, with their own score always current.
/// </summary>
public sealed class LeaderboardDeepRankTests(DeepRankLeaderboardApp app) : IClassFixture<DeepRankLeaderboardApp>
{
    private static readonly DateTime Start = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_deep_caller_is_ranked_in_a_copy_of_the_board_at_most_RankSnapshotSeconds_old()
    {
        var live = await GoLiveAsync();
        var board = Boards.Live(live);
        var caller = await app.CreateUserAsync();
        await ScoreAsync(board, caller.Id, 10, Start);
        for (var score = 11; score <= 17; score++)
        {
            await ScoreAsync(board, Guid.NewGuid(), score, Start); // seven ahead
        }

        // No copy yet: counted exactly this once, while the copy is made in the background.
        Assert.Equal((8, 10L), await MeAsync(caller, live));
        var snapshots = app.Services.GetRequiredService<LeaderboardRankSnapshots>();
        await Eventually(() => snapshots.Ahead(board, Boards.All, 10, Start) == 7, "the copy of the board was not made");

        // Two pass the caller: the top shows them at once, the deep rank is the copy's until it is RankSnapshotSeconds old.
        await ScoreAsync(board, Guid.NewGuid(), 20, Start);
        await ScoreAsync(board, Guid.NewGuid(), 21, Start);
        Assert.Equal((8, 10L), await MeAsync(caller, live));
        app.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal((8, 10L), await MeAsync(caller, live));

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await MeAsync(caller, live) != (10, 10L))
        {
            Assert.True(DateTime.UtcNow < deadline, "An old copy was not made again.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_caller_within_ExactRanks_is_always_counted_and_a_deep_one_is_never_placed_among_them()
    {
        var live = await GoLiveAsync();
        var board = Boards.Live(live);
        var (near, deep) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await ScoreAsync(board, near.Id, 50, Start);
        await ScoreAsync(board, deep.Id, 5, Start);
        for (var score = 6; score <= 9; score++)
        {
            await ScoreAsync(board, Guid.NewGuid(), score, Start);
        }

        Assert.Equal((6, 5L), await MeAsync(deep, live));
        var snapshots = app.Services.GetRequiredService<LeaderboardRankSnapshots>();
        await Eventually(() => snapshots.Ahead(board, Boards.All, 5, Start) == 5, "the copy of the board was not made");

        // Above the caller near the top, a new score counts at once; equal scores go to whoever reached them first.
        await ScoreAsync(board, Guid.NewGuid(), 60, Start);
        Assert.Equal((2, 50L), await MeAsync(near, live));
        await ScoreAsync(board, Guid.NewGuid(), 50, Start.AddSeconds(-1));
        Assert.Equal((3, 50L), await MeAsync(near, live));

        // The deep caller's score grows past everyone but the top three: the copy (older) says 1 ahead, the answer stays
        // below the exact ranks, with the current score.
        await app.WithDbAsync(db => db.Set<LeaderboardScore>().Where(s => s.Board == board && s.UserId == deep.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Score, 40)));
        Assert.Equal((4, 40L), await MeAsync(deep, live));
    }

    private async Task<Guid> GoLiveAsync()
    {
        var creator = await app.CreatorAsync();
        var live = await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Deep" })).ShouldBeAsync(HttpStatusCode.Created);
        return live.GetProperty("id").GetGuid();
    }

    private Task ScoreAsync(string board, Guid userId, long score, DateTime reachedAt) => app.WithDbAsync(db =>
    {
        db.Add(new LeaderboardScore { Board = board, Period = Boards.All, UserId = userId, Score = score, ReachedAt = reachedAt });
        return db.SaveChangesAsync();
    });

    private static async Task<(int Rank, long Score)?> MeAsync(TestUser caller, Guid live)
    {
        var board = await (await caller.Client.GetAsync($"/api/v1/live/{live}/leaderboard")).ShouldBeAsync(HttpStatusCode.OK);
        return board.GetProperty("me") is { ValueKind: JsonValueKind.Object } me ? (me.GetProperty("rank").GetInt32(), me.GetProperty("score").GetInt64()) : null;
    }

    private static async Task Eventually(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
