using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Spotlight.Messaging.Messages;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Realtime;

/// <summary>Free users get 12 calls a minute, REST and hub together; the per-connection flood limit stays at its default.</summary>
public class HubBudgetApp : SpotlightApp
{
    public const int FreePerMinute = 12;

    public HubBudgetApp()
    {
    }

    protected HubBudgetApp(SpotlightApp primary)
        : base(primary)
    {
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimiting:Tiers:free"] = FreePerMinute.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Moves the shared clock to the start of the next rate-limit minute, so a test's calls fall in one window.</summary>
    public void StartNextMinute()
    {
        var now = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromSeconds(60 - (now.ToUnixTimeSeconds() % 60)) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerSecond) + TimeSpan.FromMilliseconds(100));
    }
}

/// <summary>Another server instance on the first one's database, keys and clock.</summary>
public sealed class HubBudgetSecondNode(SpotlightApp primary) : HubBudgetApp(primary);

/// <summary>Hub calls spend the same per-user budget as REST calls, however many connections and nodes carry them.</summary>
public sealed partial class HubRateLimitTests(HubBudgetApp app) : IClassFixture<HubBudgetApp>
{
    private static async Task<HubClient.Completion[]> SendFromEachAsync(IReadOnlyList<HubClient> hubs, Guid conversation, int perConnection) =>
        await Task.WhenAll(hubs.SelectMany((hub, h) => Enumerable.Range(0, perConnection)
            .Select(i => hub.StartInvocationAsync("SendMessage", conversation.ToString(), $"flood-{h}-{i}", "spam"))));

    private Task<int> StoredAsync(TestUser sender) => app.WithDbAsync(db => db.Set<Message>().CountAsync(m => m.SenderId == sender.Id));

    private static void AssertRateLimitedWithRetryAfter(HubClient.Completion refused)
    {
        Assert.Equal("rate_limited", refused.Code);
        var seconds = int.Parse(RetryAfter().Match(refused.Error!).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
    }

    [Fact]
    public async Task Many_connections_of_one_user_together_get_no_more_than_the_users_budget_which_rest_calls_share()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(bob, ann);
        var hubs = new List<HubClient>();
        for (var i = 0; i < 5; i++)
        {
            hubs.Add(await app.ConnectHubAsync(ann));
        }

        try
        {
            app.StartNextMinute();
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await ann.Client.GetAsync("/api/v1/me")).StatusCode);
            }

            var answers = await SendFromEachAsync(hubs, conversation, perConnection: 6);

            var served = answers.Count(a => a.Error is null);
            Assert.Equal(HubBudgetApp.FreePerMinute - 3, served);
            Assert.All(answers.Where(a => a.Error is not null), AssertRateLimitedWithRetryAfter);
            Assert.Equal(served, await StoredAsync(ann));
            Assert.All(hubs, hub => Assert.True(hub.IsOpen));
            await (await ann.Client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.Equal(HttpStatusCode.OK, (await bob.Client.GetAsync("/api/v1/me")).StatusCode); // the budget is the user's alone

            app.StartNextMinute();
            Assert.Null((await hubs[0].TryInvokeAsync("SendMessage", conversation.ToString(), "next-minute", "calm again")).Error);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Typing_signals_store_nothing_and_spend_only_the_connections_flood_limit_not_the_users_budget()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = (await Chat.DirectAsync(bob, ann)).ToString();
        await using var hub = await app.ConnectHubAsync(ann);
        app.StartNextMinute();

        // Twice the minute's budget of typing signals, paced under the per-connection limit.
        for (var i = 0; i < HubBudgetApp.FreePerMinute * 2; i++)
        {
            Assert.Null((await hub.TryInvokeAsync("Typing", conversation)).Error);
            await Task.Delay(60);
        }

        var me = await ann.Client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal((HubBudgetApp.FreePerMinute - 1).ToString(CultureInfo.InvariantCulture), me.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    [PostgresFact]
    public async Task Connections_of_one_user_on_two_nodes_share_one_budget()
    {
        await using var second = new HubBudgetSecondNode(app);
        await second.InitializeAsync();
        var hubs = new List<HubClient>();
        try
        {
            var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
            var conversation = await Chat.DirectAsync(bob, ann);
            foreach (var node in new SpotlightApp[] { app, second, app, second })
            {
                hubs.Add(await node.ConnectHubAsync(ann));
            }

            app.StartNextMinute();
            var answers = await SendFromEachAsync(hubs, conversation, perConnection: 6);

            Assert.Equal(HubBudgetApp.FreePerMinute, answers.Count(a => a.Error is null));
            Assert.All(answers.Where(a => a.Error is not null), AssertRateLimitedWithRetryAfter);
            Assert.Equal(HubBudgetApp.FreePerMinute, await StoredAsync(ann));
            await (await second.Authorized(ann.AccessToken).GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }

            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }

    [GeneratedRegex(@"[Rr]etry after (\d+) seconds")]
    private static partial Regex RetryAfter();
}
