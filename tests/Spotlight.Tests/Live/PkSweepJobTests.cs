using System.Net;
using System.Net.Http.Json;
using Spotlight.Live.Battles;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// A server whose <c>pk-sweep</c> runs every second on its own, as in production; on PostgreSQL a second node shares its
/// database, keys and clock (two nodes of one deployment).
/// </summary>
public sealed class PkNodes : IAsyncLifetime
{
    public PkNode First { get; } = new();

    public PkNode? Second { get; private set; }

    public async Task InitializeAsync()
    {
        await First.InitializeAsync();
        if (TestDatabase.IsPostgres)
        {
            Second = new PkNode(First);
            await Second.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Second is not null)
        {
            await ((IAsyncLifetime)Second).DisposeAsync();
        }

        await ((IAsyncLifetime)First).DisposeAsync();
    }

    public sealed class PkNode : SpotlightApp
    {
        public PkNode()
        {
        }

        public PkNode(PkNode first)
            : base(first)
        {
        }

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["LiveKit:Url"] = "ws://127.0.0.1:9",
            ["LiveKit:ApiKey"] = LiveKitApp.ApiKey,
            ["LiveKit:ApiSecret"] = LiveKitApp.ApiSecret,
            ["Live:WatchIntervalSeconds"] = "3600",
            ["Outbox:PollIntervalSeconds"] = "0.1",
            ["Pk:SweepIntervalSeconds"] = "1",
        };

        public async Task<(TestUser Creator, Guid Live)> GoLiveAsync()
        {
            var creator = await CreateUserAsync("creator");
            var live = await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Live" })).ShouldBeAsync(HttpStatusCode.Created);
            return (creator, live.GetProperty("id").GetGuid());
        }

        public async Task SweepAsync()
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<PkReferee>().SweepAsync(CancellationToken.None);
        }
    }
}

/// <summary>Battles end on the server's clock by the recurring job, once, however many nodes run it.</summary>
public sealed class PkSweepJobTests(PkNodes nodes) : IClassFixture<PkNodes>
{
    [Fact]
    public async Task The_recurring_sweep_ends_a_battle_soon_after_endsAt_without_anyone_asking()
    {
        var node = nodes.First;
        var (a, pk) = await ActiveBattleAsync(node, node);

        node.Clock.Advance(TimeSpan.FromSeconds(61));

        await EndedWithinAsync(a, pk, TimeSpan.FromSeconds(10));
        Assert.Equal(1, await RaisedAsync(node, pk));
    }

    [PostgresFact]
    public async Task Two_nodes_sweeping_one_database_end_a_battle_exactly_once()
    {
        var (first, second) = (nodes.First, nodes.Second!);
        var (a, pk) = await ActiveBattleAsync(first, second);

        first.Clock.Advance(TimeSpan.FromSeconds(61)); // the nodes share the clock
        // Both nodes' jobs run every second; both nodes also sweep at the same instant, several times over.
        await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => new[] { Task.Run(first.SweepAsync), Task.Run(second.SweepAsync) }));

        await EndedWithinAsync(a, pk, TimeSpan.FromSeconds(10));
        await Task.Delay(1500); // a further job run on either node changes nothing
        Assert.Equal(1, await RaisedAsync(first, pk));
    }

    /// <summary>A creator on <paramref name="inviteOn"/> invites one on <paramref name="acceptOn"/>, who accepts a 60-second battle.</summary>
    private static async Task<(TestUser A, Guid Pk)> ActiveBattleAsync(PkNodes.PkNode inviteOn, PkNodes.PkNode acceptOn)
    {
        var (a, liveA) = await inviteOn.GoLiveAsync();
        var (b, liveB) = await acceptOn.GoLiveAsync();
        var pk = (await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA}/pk", new { opponentLiveId = liveB, durationSeconds = 60 }))
            .ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);
        return (a, pk);
    }

    private static async Task EndedWithinAsync(TestUser a, Guid pk, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while ((await (await a.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("status").GetString() != "ended")
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not ended within {limit.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }

    private static Task<int> RaisedAsync(SpotlightApp node, Guid pk) => node.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
        db.Set<Spotlight.Platform.Events.OutboxMessage>(), m => m.EventType == nameof(PkEnded) && m.Handler.Contains(nameof(PkEndedBroadcaster)) && m.Payload.Contains(pk.ToString())));
}
