using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Content.Posts;

/// <summary>The wallet's test server (creators, plans, coins) with the calls posts' tests make.</summary>
public class PostsApp : WalletApp
{
    public async Task<(TestUser Creator, Guid PlanId)> CreatorWithPlanAsync(long price = 100)
    {
        var creator = await CreatorAsync();
        return (creator, await PlanAsync(creator, price));
    }

    public static async Task<Guid> PlanAsync(TestUser creator, long price = 100)
    {
        var plan = await (await creator.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Fan club", price })).ShouldBeAsync(HttpStatusCode.Created);
        return plan.GetProperty("id").GetGuid();
    }

    /// <summary>Funds the subscriber and subscribes through the real flow.</summary>
    public async Task<Guid> SubscribeAsync(TestUser subscriber, TestUser creator, Guid planId)
    {
        await FundAsync(subscriber.Id, 1_000);
        var sub = await (await subscriber.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })).ShouldBeAsync(HttpStatusCode.Created);
        return sub.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> PostAsync(TestUser author, object body) =>
        await (await author.Client.PostAsJsonAsync("/api/v1/posts", body)).ShouldBeAsync(HttpStatusCode.Created);

    public static async Task<Guid> PostIdAsync(TestUser author, object body) => (await PostAsync(author, body)).GetProperty("id").GetGuid();

    public static async Task FollowAsync(TestUser follower, TestUser followee) =>
        await (await follower.Client.PostAsync($"/api/v1/users/{followee.Id}/follow", null)).ShouldBeAsync(HttpStatusCode.NoContent);

    public static async Task BlockAsync(TestUser blocker, TestUser blocked) =>
        await (await blocker.Client.PostAsync($"/api/v1/users/{blocked.Id}/block", null)).ShouldBeAsync(HttpStatusCode.NoContent);
}
