using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Live;

namespace Spotlight.Tests.Notifications;

/// <summary>
/// A creator going live tells their followers (<c>live_started</c>), once per follower, never across a block, and not
/// again when the creator goes live again within <c>Notifications:LiveStartedCooldownMinutes</c>.
/// </summary>
public sealed class LiveStartedNotificationsTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task Each_follower_is_told_once_that_a_creator_went_live_and_a_blocked_follower_is_not()
    {
        var creator = await app.CreateUserAsync("creator");
        var (follower, blockedFollower, blockingFollower, stranger) =
            (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        foreach (var fan in new[] { follower, blockedFollower, blockingFollower })
        {
            (await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        }

        (await creator.Client.PostAsync($"/api/v1/users/{blockedFollower.Id}/block", null)).EnsureSuccessStatusCode();
        (await blockingFollower.Client.PostAsync($"/api/v1/users/{creator.Id}/block", null)).EnsureSuccessStatusCode();

        var live = await GoLiveAsync(creator, "Cooking night");

        var told = Assert.Single(await EventuallyAsync(follower, 1));
        Assert.Equal(creator.Id, told.GetProperty("actor").GetProperty("id").GetGuid());
        var data = told.GetProperty("data");
        Assert.Equal(live, data.GetProperty("liveSessionId").GetString());
        Assert.Equal(creator.Id, data.GetProperty("creatorId").GetGuid());
        Assert.Equal("Cooking night", data.GetProperty("title").GetString());
        Assert.Empty(await LiveStartedAsync(blockedFollower));
        Assert.Empty(await LiveStartedAsync(blockingFollower));
        Assert.Empty(await LiveStartedAsync(stranger));
        Assert.Empty(await LiveStartedAsync(creator));
    }

    [ToolFact("node", "npm")]
    public async Task Going_live_again_within_the_cooldown_does_not_tell_a_follower_twice()
    {
        var creator = await app.CreateUserAsync("creator");
        var follower = await app.CreateUserAsync();
        (await follower.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        var first = await GoLiveAsync(creator, "One");
        await EventuallyAsync(follower, 1);
        (await creator.Client.PostAsync($"/api/v1/live/{first}/end", null)).EnsureSuccessStatusCode();

        var latecomer = await app.CreateUserAsync(); // follows between the two lives: told of the second, which proves it was handled
        (await latecomer.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        var second = await GoLiveAsync(creator, "Two");

        Assert.Equal(second, Assert.Single(await EventuallyAsync(latecomer, 1)).GetProperty("data").GetProperty("liveSessionId").GetString());
        var followerTold = Assert.Single(await LiveStartedAsync(follower));
        Assert.Equal(first, followerTold.GetProperty("data").GetProperty("liveSessionId").GetString());
    }

    [ToolFact("node", "npm")]
    public async Task A_subscribers_live_tells_only_followers_who_subscribe()
    {
        var creator = await app.CreateUserAsync("creator");
        var follower = await app.CreateUserAsync();
        (await follower.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        var witness = await app.CreateUserAsync("creator"); // a public live afterwards from another creator the follower follows
        (await follower.Client.PostAsync($"/api/v1/users/{witness.Id}/follow", null)).EnsureSuccessStatusCode();

        await GoLiveAsync(creator, "Members only", "subscribers");
        var later = await GoLiveAsync(witness, "Everyone");

        Assert.Equal(later, Assert.Single(await EventuallyAsync(follower, 1)).GetProperty("data").GetProperty("liveSessionId").GetString());
    }

    private static async Task<string> GoLiveAsync(TestUser creator, string title, string visibility = "public") =>
        (await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title, visibility })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;

    internal static async Task<List<JsonElement>> LiveStartedAsync(TestUser user) =>
        (await (await user.Client.GetAsync("/api/v1/notifications")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(n => n.GetProperty("type").GetString() == "live_started").ToList();

    private static async Task<List<JsonElement>> EventuallyAsync(TestUser user, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var told = await LiveStartedAsync(user);
            if (told.Count >= count || DateTime.UtcNow > deadline)
            {
                return told;
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>A subscribers-only live, told through the notifier itself (the wallet's server has plans and coins, no LiveKit).</summary>
public sealed class SubscribersLiveNotificationsTests(Content.Posts.PostsApp app) : IClassFixture<Content.Posts.PostsApp>
{
    [Fact]
    public async Task A_subscribers_live_tells_the_followers_who_subscribe_and_no_other_follower()
    {
        var (creator, planId) = await app.CreatorWithPlanAsync();
        var (subscriber, follower) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        foreach (var fan in new[] { subscriber, follower })
        {
            (await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).EnsureSuccessStatusCode();
        }

        await app.SubscribeAsync(subscriber, creator, planId);
        var live = Guid.CreateVersion7();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var notifier = ActivatorUtilities.CreateInstance<Spotlight.Notifications.LiveStartedNotifier>(scope.ServiceProvider);
            await notifier.HandleAsync(new Spotlight.Live.Lives.LiveStarted(live, creator.Id, "Members only", "subscribers", DateTime.UtcNow),
                new Spotlight.Platform.Events.EventContext(Guid.NewGuid(), DateTime.UtcNow, 1), CancellationToken.None);
        }

        var told = Assert.Single(await LiveStartedNotificationsTests.LiveStartedAsync(subscriber));
        Assert.Equal(live, told.GetProperty("data").GetProperty("liveSessionId").GetGuid());
        Assert.Empty(await LiveStartedNotificationsTests.LiveStartedAsync(follower));
    }
}
