using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Content.Posts;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Posts;

/// <summary>
/// One creator's five posts (public, followers, subscribers of any plan, subscribers of plan A, premium) and every kind of
/// reader, built once. The clock is moved forward 31 days while building it, so this world has a fixture of its own.
/// </summary>
public sealed class EntitlementWorld : PostsApp
{
    public const string Anonymous = "anonymous";
    public const string Stranger = "stranger";
    public const string Follower = "follower";
    public const string SubscriberOfPlan = "subscriber of the post's plan";
    public const string SubscriberOfOtherPlan = "subscriber of another plan";
    public const string CanceledInPeriod = "canceled, still in the paid period";
    public const string Expired = "expired subscriber";
    public const string Buyer = "buyer";
    public const string Author = "author";
    public const string Moderator = "moderator";
    public const string Admin = "admin";
    public const string BlockedByAuthor = "blocked by the author (was follower, subscriber and buyer)";
    public const string BlocksAuthor = "has blocked the author";

    public const string Public = "public";
    public const string Followers = "followers";
    public const string SubscribersAnyPlan = "subscribers (any plan)";
    public const string SubscribersPlanA = "subscribers (plan A)";
    public const string Premium = "premium";

    public Dictionary<string, TestUser> Readers { get; } = [];

    public Dictionary<string, Guid> Posts { get; } = [];

    public string Tag { get; } = "matrix" + Guid.NewGuid().ToString("N")[..8];

    public TestUser Creator => Readers[Author];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var (creator, planA) = await CreatorWithPlanAsync();
        var planB = await PlanAsync(creator);

        // Expired: subscribed to plan A, canceled, and the paid period (30 days) ran out.
        var expired = await CreateUserAsync();
        var expiredSubscription = await SubscribeAsync(expired, creator, planA);
        await (await expired.Client.DeleteAsync($"/api/v1/subscriptions/{expiredSubscription}")).ShouldBeAsync(HttpStatusCode.OK);
        Clock.Advance(TimeSpan.FromDays(31));
        Readers[Author] = creator = await SignInAsync(creator);
        Readers[Expired] = await SignInAsync(expired);

        Readers[Stranger] = await CreateUserAsync();
        Readers[Follower] = await CreateUserAsync();
        await FollowAsync(Readers[Follower], creator);
        Readers[SubscriberOfPlan] = await CreateUserAsync();
        await SubscribeAsync(Readers[SubscriberOfPlan], creator, planA);
        Readers[SubscriberOfOtherPlan] = await CreateUserAsync();
        await SubscribeAsync(Readers[SubscriberOfOtherPlan], creator, planB);
        var canceled = Readers[CanceledInPeriod] = await CreateUserAsync();
        var canceledSubscription = await SubscribeAsync(canceled, creator, planA);
        await (await canceled.Client.DeleteAsync($"/api/v1/subscriptions/{canceledSubscription}")).ShouldBeAsync(HttpStatusCode.OK);
        Readers[Buyer] = await CreateUserAsync();
        Readers[Moderator] = await CreateUserAsync(roles: "moderator");
        Readers[Admin] = await CreateUserAsync(roles: "admin");
        var blocked = Readers[BlockedByAuthor] = await CreateUserAsync();
        await FollowAsync(blocked, creator);
        await SubscribeAsync(blocked, creator, planA);
        Readers[BlocksAuthor] = await CreateUserAsync();
        await FollowAsync(Readers[BlocksAuthor], creator);

        Posts[Public] = await PostIdAsync(creator, new { text = $"{Public} #{Tag}", visibility = "public" });
        Posts[Followers] = await PostIdAsync(creator, new { text = $"{Followers} #{Tag}", visibility = "followers" });
        Posts[SubscribersAnyPlan] = await PostIdAsync(creator, new { text = $"{SubscribersAnyPlan} #{Tag}", visibility = "subscribers" });
        Posts[SubscribersPlanA] = await PostIdAsync(creator, new { text = $"{SubscribersPlanA} #{Tag}", visibility = "subscribers", planIds = new[] { planA } });
        Posts[Premium] = await PostIdAsync(creator, new { text = $"{Premium} #{Tag}", visibility = "premium", price = 50 });
        foreach (var post in Posts.Values)
        {
            await (await creator.Client.PostAsJsonAsync($"/api/v1/posts/{post}/comments", new { text = "first" })).ShouldBeAsync(HttpStatusCode.Created);
        }

        // The unlock endpoint belongs to another part: a buyer is someone with an unlock row.
        await WithDbAsync(async db =>
        {
            foreach (var buyer in new[] { Readers[Buyer], blocked })
            {
                db.Add(new PostUnlock { PostId = Posts[Premium], BuyerId = buyer.Id, TransactionId = Guid.NewGuid(), Price = 50, CreatedAt = DateTime.UtcNow });
            }

            await db.SaveChangesAsync();
        });
        await BlockAsync(creator, blocked);
        await BlockAsync(Readers[BlocksAuthor], creator);
    }

    public HttpClient ClientOf(string reader) => reader == Anonymous ? CreateClient() : Readers[reader].Client;

    public bool Follows(string reader) => reader == Follower; // the blocks ended the two other follows
}

/// <summary>
/// The entitlement matrix: every visibility × every kind of reader × every read path this part owns. "whole" is the post
/// with its text, "locked" the locked shape (empty text, price or plans), "none" is 404 on a post and absent from lists.
/// </summary>
public sealed class EntitlementMatrixTests(EntitlementWorld world) : IClassFixture<EntitlementWorld>
{
    private const string Whole = "whole";
    private const string Locked = "locked";
    private const string None = "none";

    // Rows: reader; columns: public, followers, subscribers (any plan), subscribers (plan A), premium.
    private static readonly (string Reader, string[] Access)[] Table =
    [
        (EntitlementWorld.Anonymous,             [Whole, Locked, Locked, Locked, Locked]),
        (EntitlementWorld.Stranger,              [Whole, Locked, Locked, Locked, Locked]),
        (EntitlementWorld.Follower,              [Whole, Whole,  Locked, Locked, Locked]),
        (EntitlementWorld.SubscriberOfPlan,      [Whole, Locked, Whole,  Whole,  Locked]),
        (EntitlementWorld.SubscriberOfOtherPlan, [Whole, Locked, Whole,  Locked, Locked]),
        (EntitlementWorld.CanceledInPeriod,      [Whole, Locked, Whole,  Whole,  Locked]),
        (EntitlementWorld.Expired,               [Whole, Locked, Locked, Locked, Locked]),
        (EntitlementWorld.Buyer,                 [Whole, Locked, Locked, Locked, Whole]),
        (EntitlementWorld.Author,                [Whole, Whole,  Whole,  Whole,  Whole]),
        (EntitlementWorld.Moderator,             [Whole, Whole,  Whole,  Whole,  Whole]),
        (EntitlementWorld.Admin,                 [Whole, Whole,  Whole,  Whole,  Whole]),
        (EntitlementWorld.BlockedByAuthor,       [None,  None,   None,   None,   None]),
        (EntitlementWorld.BlocksAuthor,          [None,  None,   None,   None,   None]),
    ];

    private static readonly string[] Visibilities =
        [EntitlementWorld.Public, EntitlementWorld.Followers, EntitlementWorld.SubscribersAnyPlan, EntitlementWorld.SubscribersPlanA, EntitlementWorld.Premium];

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (reader, access) in Table)
        {
            for (var i = 0; i < Visibilities.Length; i++)
            {
                data.Add(Visibilities[i], reader, access[i]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Get_post(string visibility, string reader, string expected)
    {
        var response = await world.ClientOf(reader).GetAsync($"/api/v1/posts/{world.Posts[visibility]}");
        if (expected == None)
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            return;
        }

        AssertShape(visibility, expected, await response.ShouldBeAsync(HttpStatusCode.OK));
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Users_posts(string visibility, string reader, string expected)
    {
        var page = await (await world.ClientOf(reader).GetAsync($"/api/v1/users/{world.Creator.Id}/posts?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        AssertListed(visibility, expected, page);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Hashtag_page(string visibility, string reader, string expected)
    {
        var page = await (await world.ClientOf(reader).GetAsync($"/api/v1/hashtags/{world.Tag}/posts?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        AssertListed(visibility, expected, page);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Following_feed(string visibility, string reader, string expected)
    {
        var response = await world.ClientOf(reader).GetAsync("/api/v1/feed?limit=100");
        if (reader == EntitlementWorld.Anonymous)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return;
        }

        // The feed holds followed authors' posts only: for anyone else the creator's posts are simply not in it.
        AssertListed(visibility, world.Follows(reader) ? expected : None, await response.ShouldBeAsync(HttpStatusCode.OK));
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Comments(string visibility, string reader, string expected)
    {
        var response = await world.ClientOf(reader).GetAsync($"/api/v1/posts/{world.Posts[visibility]}/comments");
        if (reader == EntitlementWorld.Anonymous)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return;
        }

        switch (expected)
        {
            case None:
                await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
                break;
            case Locked:
                await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "post_locked");
                break;
            default:
                var page = await response.ShouldBeAsync(HttpStatusCode.OK);
                Assert.Equal("first", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());
                break;
        }
    }

    private void AssertListed(string visibility, string expected, JsonElement page)
    {
        var id = world.Posts[visibility];
        var found = page.GetProperty("items").EnumerateArray().Where(p => p.GetProperty("id").GetGuid() == id).ToList();
        if (expected == None)
        {
            Assert.Empty(found);
            return;
        }

        AssertShape(visibility, expected, Assert.Single(found));
    }

    private static void AssertShape(string visibility, string expected, JsonElement post)
    {
        if (expected == Whole)
        {
            Assert.False(post.GetProperty("locked").GetBoolean());
            Assert.StartsWith(visibility, post.GetProperty("text").GetString(), StringComparison.Ordinal);
            return;
        }

        Assert.True(post.GetProperty("locked").GetBoolean());
        Assert.Equal("", post.GetProperty("text").GetString());
        if (visibility == EntitlementWorld.Premium)
        {
            Assert.Equal(50, post.GetProperty("price").GetInt64());
        }

        if (visibility == EntitlementWorld.SubscribersPlanA)
        {
            Assert.Equal(1, post.GetProperty("planIds").GetArrayLength());
        }
    }
}
