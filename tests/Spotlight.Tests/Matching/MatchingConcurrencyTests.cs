using System.Net;
using System.Text.Json.Nodes;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Matching;

/// <summary>What a burst of joins must come to, wherever they land: every user paired exactly once, never across a block.</summary>
internal static class Burst
{
    public const int Users = 200;

    /// <summary>
    /// Queues <paramref name="users"/> all at once (user i through <paramref name="nodeOf"/>(i)) after making five blocks
    /// among them, then waits for 100 matches and checks them. With blocks a greedy matcher could in principle be left
    /// with a blocked pair as the last two waiting; with five blocks among 200 users that is a chance of about 1 in 4,000.
    /// </summary>
    public static async Task PairEveryoneOnceAsync(TestUser[] users, Func<int, SpotlightApp> nodeOf)
    {
        var blocked = new List<(Guid, Guid)>();
        for (var i = 0; i < 5; i++)
        {
            var (blocker, target) = (users[i * 7], users[Users - 1 - i * 11]);
            Assert.Equal(HttpStatusCode.NoContent, (await blocker.Client.PostAsync($"/api/v1/users/{target.Id}/block", null)).StatusCode);
            blocked.Add(Key(blocker.Id, target.Id));
        }

        var region = Matchmaking.UniqueRegion();
        using var start = new SemaphoreSlim(0, Users);
        var joins = users.Select(async (user, i) =>
        {
            var client = nodeOf(i).Authorized(user.AccessToken);
            await start.WaitAsync();
            var answer = await client.PostAsync("/api/v1/match/queue", JsonContent(region));
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        }).ToList();
        start.Release(Users);
        await Task.WhenAll(joins);

        var ids = users.Select(u => u.Id).ToHashSet();
        var app = nodeOf(0);
        await Matchmaking.EventuallyAsync(async () => (await app.MatchesOfAsync(ids)).Count >= Users / 2, TimeSpan.FromSeconds(30), "100 matches");
        await Task.Delay(500); // a pass still running would show a 101st match here
        var matches = await app.MatchesOfAsync(ids);
        Assert.Equal(Users / 2, matches.Count);
        var paired = matches.SelectMany(m => new[] { m.UserA, m.UserB }).ToList();
        Assert.Equal(Users, paired.Distinct().Count()); // nobody twice, nobody left out
        Assert.True(paired.All(ids.Contains));
        Assert.DoesNotContain(matches, m => blocked.Contains(Key(m.UserA, m.UserB)));
        Assert.Equal(Users / 2, matches.Select(m => m.RoomName).Distinct().Count());
        foreach (var user in users.Take(10))
        {
            Assert.Equal(0, await app.QueueRowsAsync(user.Id));
        }
    }

    private static StringContent JsonContent(string region) =>
        new(new JsonObject { ["region"] = region }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private static (Guid, Guid) Key(Guid a, Guid b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);
}

/// <summary>200 users joining at once on one node, on either database.</summary>
public sealed class MatchingConcurrencyTests(MatchingApp app) : IClassFixture<MatchingApp>
{
    [Fact]
    public async Task Two_hundred_users_queued_at_once_make_exactly_one_hundred_pairs_nobody_twice_and_no_blocked_pair()
    {
        var users = await app.CreateUsersAsync(Burst.Users);

        await Burst.PairEveryoneOnceAsync(users, _ => app);
    }
}

/// <summary>Two servers with LiveKit settings on one PostgreSQL database, as behind a load balancer.</summary>
public sealed class MatchingNodes : TwoNodes
{
    protected override IReadOnlyDictionary<string, string?> NodeSettings => MatchingApp.LiveKitSettings;
}

/// <summary>The matcher runs on every node; one pass at a time in the cluster keeps anyone from being paired twice.</summary>
public sealed class MatchingAcrossNodesTests(MatchingNodes nodes) : IClassFixture<MatchingNodes>
{
    [PostgresFact]
    public async Task Two_hundred_users_queued_at_once_across_two_nodes_make_exactly_one_hundred_pairs_nobody_twice_and_no_blocked_pair()
    {
        var users = await nodes.First.CreateUsersAsync(Burst.Users);

        await Burst.PairEveryoneOnceAsync(users, i => i % 2 == 0 ? nodes.First : nodes.Second);
    }

    [PostgresFact]
    public async Task Users_queued_on_different_nodes_are_paired_and_each_hears_matched_on_their_own_node()
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob) = (await nodes.First.CreateUserAsync(), await nodes.First.CreateUserAsync());
        await using var annHub = await nodes.First.ConnectHubAsync(ann);
        await using var bobHub = await nodes.Second.ConnectHubAsync(bob);
        await ann.QueueAsync(region);

        var onSecond = nodes.Second.Authorized(bob.AccessToken);
        Assert.Equal(HttpStatusCode.Accepted, (await onSecond.PostAsync("/api/v1/match/queue", new StringContent($$"""{"region":"{{region}}"}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        var atAnn = await annHub.WaitForAsync("matched");
        var atBob = await bobHub.WaitForAsync("matched");
        Assert.Equal(atAnn.GetProperty("matchId").GetGuid(), atBob.GetProperty("matchId").GetGuid());
        Assert.Equal(ann.Id, atBob.GetProperty("partner").GetProperty("id").GetGuid());
    }
}
