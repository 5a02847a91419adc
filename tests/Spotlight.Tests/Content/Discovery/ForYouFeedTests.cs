using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spotlight.Content.Discovery.ForYou;
using Spotlight.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet;
using static Spotlight.Tests.Content.Discovery.DiscoveryApp;
using static Spotlight.Tests.Content.Posts.PostsApp;

namespace Spotlight.Tests.Content.Discovery;

/// <summary>
/// <c>GET /feed/for-you</c>. Every test reads the whole feed of a new viewer (the fixture's other posts are in it too) and
/// asserts the relative order of its own posts, since ranks are global.
/// </summary>
public sealed class ForYouFeedTests(DiscoveryApp app) : IClassFixture<DiscoveryApp>
{
    private ForYouOptions Options => app.Services.GetRequiredService<IOptions<ForYouOptions>>().Value;

    [Fact]
    public async Task A_post_with_more_likes_ranks_above_one_with_fewer_at_equal_age()
    {
        var author = await app.CreateUserAsync();
        var liked = await PostIdAsync(author, new { text = "liked a lot", visibility = "public" });
        var lessLiked = await PostIdAsync(author, new { text = "liked once", visibility = "public" }); // a few ms younger
        for (var i = 0; i < 5; i++)
        {
            await LikeAsync(await app.CreateUserAsync(), liked);
        }

        await LikeAsync(await app.CreateUserAsync(), lessLiked);
        await app.WaitForRankAsync(liked, r => r.Score == 5 * Options.LikeWeight);
        await app.WaitForRankAsync(lessLiked, r => r.Score == Options.LikeWeight);

        var order = PostIds(await WholeForYouAsync((await app.CreateUserAsync()).Client));
        Assert.True(order.IndexOf(liked) >= 0 && order.IndexOf(liked) < order.IndexOf(lessLiked), string.Join(",", order));
    }

    [Fact]
    public async Task An_older_post_with_equal_likes_ranks_lower_and_the_stored_rank_is_the_formula()
    {
        var author = await app.CreateUserAsync();
        var older = await PostIdAsync(author, new { text = "yesterday's news", visibility = "public" });
        var newer = await PostIdAsync(author, new { text = "today's news", visibility = "public" });
        await app.WithDbAsync(db => db.Set<Post>().Where(p => p.Id == older).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, p => p.CreatedAt.AddHours(-6))));
        var fan = await app.CreateUserAsync();
        await LikeAsync(fan, older);
        await LikeAsync(fan, newer);
        var olderRank = await app.WaitForRankAsync(older, r => r.Score == Options.LikeWeight);
        var newerRank = await app.WaitForRankAsync(newer, r => r.Score == Options.LikeWeight);

        var createdAt = await app.WithDbAsync(db => db.Set<Post>().Where(p => p.Id == older).Select(p => p.CreatedAt).SingleAsync());
        Assert.Equal(HotRank.Of(Options.LikeWeight, createdAt, Options), olderRank.Rank, 9);
        // Six hours of age cost 6·3600/45000 of rank: an order of magnitude of points every 12.5 hours.
        Assert.Equal(6 * 3600 / Options.DecaySeconds, newerRank.Rank - olderRank.Rank, 2);
        var order = PostIds(await WholeForYouAsync((await app.CreateUserAsync()).Client));
        Assert.True(order.IndexOf(newer) >= 0 && order.IndexOf(newer) < order.IndexOf(older), string.Join(",", order));
    }

    [Fact]
    public async Task Comments_and_unlocks_weigh_into_the_rank()
    {
        var creator = await app.CreatorAsync();
        var id = await PostIdAsync(creator, new { text = "talk to me", visibility = "public" });
        var fan = await app.CreateUserAsync();
        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = "hello" })).ShouldBeAsync(HttpStatusCode.Created);
        await app.WaitForRankAsync(id, r => r.Score == Options.CommentWeight);

        // An unlock as the unlocks part records it: the counter moves and PostUnlocked is raised in the same unit of work.
        await app.WithDbAsync(async db =>
        {
            await db.Set<Post>().Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.UnlockCount, p => p.UnlockCount + 1));
            app.Services.GetRequiredService<Spotlight.Platform.Events.DomainEvents>().Raise(db, new Spotlight.Content.PostUnlocked(id, creator.Id, fan.Id, Guid.CreateVersion7(), 50));
            await db.SaveChangesAsync();
        });
        await app.WaitForRankAsync(id, r => r.Score == Options.CommentWeight + Options.UnlockWeight);
    }

    [Fact]
    public async Task A_gift_to_the_author_counts_toward_their_latest_post_once_however_often_the_event_arrives()
    {
        var creator = await app.CreatorAsync();
        await PostIdAsync(creator, new { text = "older post", visibility = "public" });
        var latest = await PostIdAsync(creator, new { text = "latest post", visibility = "public" });
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, 1_000);
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        var amount = gift.GetProperty("amount").GetInt64();
        var ranked = await app.WaitForRankAsync(latest, r => r.GiftCoins == amount);
        Assert.Equal(amount * Options.GiftCoinWeight, ranked.Score, 9);

        // The same event delivered again (at-least-once delivery) adds nothing.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var replay = new GiftSent(gift.GetProperty("transactionId").GetGuid(), fan.Id, creator.Id, "rocket", "Rocket", 1, amount, amount, null, DateTime.UtcNow);
            await scope.ServiceProvider.GetRequiredService<PostRanking>().CreditGiftAsync(replay, CancellationToken.None);
        }

        Assert.Equal(amount, (await app.WaitForRankAsync(latest, _ => true)).GiftCoins);
    }

    [Fact]
    public async Task Recent_posts_of_followed_accounts_are_raised_for_their_followers_only()
    {
        var popular = await app.CreateUserAsync();
        var followed = await app.CreateUserAsync();
        var hot = await PostIdAsync(popular, new { text = "three likes", visibility = "public" });
        var quiet = await PostIdAsync(followed, new { text = "no likes yet", visibility = "public" });
        for (var i = 0; i < 3; i++)
        {
            await LikeAsync(await app.CreateUserAsync(), hot);
        }

        await app.WaitForRankAsync(hot, r => r.Score == 3 * Options.LikeWeight);
        await app.WaitForRankAsync(quiet, _ => true);
        var follower = await app.CreateUserAsync();
        await FollowAsync(follower, followed);

        var forFollower = PostIds(await WholeForYouAsync(follower.Client));
        Assert.True(forFollower.IndexOf(quiet) >= 0 && forFollower.IndexOf(quiet) < forFollower.IndexOf(hot), string.Join(",", forFollower));
        var forStranger = PostIds(await WholeForYouAsync((await app.CreateUserAsync()).Client));
        Assert.True(forStranger.IndexOf(hot) >= 0 && forStranger.IndexOf(hot) < forStranger.IndexOf(quiet), string.Join(",", forStranger));
    }

    [Fact]
    public async Task A_brand_new_user_gets_the_globally_hot_posts()
    {
        var author = await app.CreateUserAsync();
        var id = await PostIdAsync(author, new { text = "hot right now", visibility = "public" });
        await LikeAsync(await app.CreateUserAsync(), id);
        await app.WaitForRankAsync(id, r => r.Score > 0);

        var newcomer = await app.CreateUserAsync();
        var page = await ForYouAsync(newcomer.Client, limit: 100);
        Assert.Contains(id, Ids(page));
    }

    [Fact]
    public async Task Posts_served_once_are_left_out_of_the_next_call()
    {
        var author = await app.CreateUserAsync();
        for (var i = 0; i < 4; i++)
        {
            await app.WaitForRankAsync(await PostIdAsync(author, new { text = $"post {i}", visibility = "public" }), _ => true);
        }

        var viewer = await app.CreateUserAsync();
        var first = Ids(await ForYouAsync(viewer.Client, limit: 3));
        Assert.Equal(3, first.Count);
        var second = Ids(await ForYouAsync(viewer.Client, limit: 100));
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));
        // Someone else was served nothing yet: they get the first ones.
        Assert.Equal(first, Ids(await ForYouAsync((await app.CreateUserAsync()).Client, limit: 3)));
        // After the "seen" window the job prunes the impressions and the posts come back.
        app.Clock.Advance(TimeSpan.FromHours(Options.SeenHours + 1));
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ForYouCleanupJob>().RunAsync(new Spotlight.Platform.Jobs.JobRun(Guid.NewGuid(), ForYouCleanupJob.JobType, null, 1), CancellationToken.None);
            Assert.False(await app.WithDbAsync(db => db.Set<FeedImpression>().AnyAsync(i => i.ViewerId == viewer.Id)));
        }
        finally
        {
            app.Clock.Advance(-TimeSpan.FromHours(Options.SeenHours + 1));
        }
    }

    [Fact]
    public async Task Blocked_authors_either_way_banned_authors_and_the_viewers_own_posts_are_left_out()
    {
        var viewer = await app.CreateUserAsync();
        var (blockedByViewer, blockerOfViewer, banned, plain) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var ids = new Dictionary<Guid, Guid>();
        foreach (var user in new[] { blockedByViewer, blockerOfViewer, banned, plain, viewer })
        {
            ids[user.Id] = await PostIdAsync(user, new { text = "hello", visibility = "public" });
            await app.WaitForRankAsync(ids[user.Id], _ => true);
        }

        await BlockAsync(viewer, blockedByViewer);
        await BlockAsync(blockerOfViewer, viewer);
        await app.BanAsync(banned.Id);

        var feed = PostIds(await WholeForYouAsync(viewer.Client));
        Assert.Contains(ids[plain.Id], feed);
        Assert.DoesNotContain(ids[blockedByViewer.Id], feed);
        Assert.DoesNotContain(ids[blockerOfViewer.Id], feed);
        Assert.DoesNotContain(ids[banned.Id], feed);
        Assert.DoesNotContain(ids[viewer.Id], feed);
    }

    [Fact]
    public async Task Gated_posts_come_locked_and_deleted_hidden_or_removed_posts_never_come()
    {
        var creator = await app.CreatorAsync();
        var premium = await PostIdAsync(creator, new { text = "paid", visibility = "premium", price = 50 });
        var followersOnly = await PostIdAsync(creator, new { text = "friends", visibility = "followers" });
        var (deleted, hidden, removed) = (
            await PostIdAsync(creator, new { text = "deleted", visibility = "public" }),
            await PostIdAsync(creator, new { text = "hidden", visibility = "public" }),
            await PostIdAsync(creator, new { text = "removed", visibility = "public" }));
        foreach (var id in new[] { premium, followersOnly, deleted, hidden, removed })
        {
            await app.WaitForRankAsync(id, _ => true);
        }

        await (await creator.Client.DeleteAsync($"/api/v1/posts/{deleted}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await app.SetModerationAsync(hidden, ModerationStatus.Hidden);
        await app.SetModerationAsync(removed, ModerationStatus.Removed);

        var feed = await WholeForYouAsync((await app.CreateUserAsync()).Client);
        var byId = feed.ToDictionary(p => p.GetProperty("id").GetGuid());
        Assert.True(byId[premium].GetProperty("locked").GetBoolean());
        Assert.Equal("", byId[premium].GetProperty("text").GetString());
        Assert.True(byId[followersOnly].GetProperty("locked").GetBoolean());
        Assert.False(byId.ContainsKey(deleted));
        Assert.False(byId.ContainsKey(hidden));
        Assert.False(byId.ContainsKey(removed));
    }

    [Fact]
    public async Task The_feed_needs_a_token_and_refuses_a_bad_limit_or_cursor()
    {
        await (await app.CreateClient().GetAsync("/api/v1/feed/for-you")).ShouldBeAsync(HttpStatusCode.Unauthorized);
        var viewer = await app.CreateUserAsync();
        // '_' × 32 decodes, but to a rank that is not a number: not a cursor the server issued.
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ("limit=101", "limit"), ("cursor=abc", "cursor"), ("cursor=" + new string('_', 32), "cursor") })
        {
            var problem = await (await viewer.Client.GetAsync($"/api/v1/feed/for-you?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    private static List<Guid> PostIds(List<JsonElement> posts) => posts.Select(p => p.GetProperty("id").GetGuid()).ToList();
}
