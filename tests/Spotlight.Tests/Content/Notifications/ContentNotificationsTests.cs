using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Events;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Content.Unlocks;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Notifications;

/// <summary>
/// What content tells people, read through GET /api/v1/notifications: likes aggregated per post, comments, replies,
/// mentions, new posts to subscribers, unlocks to the author; never to the actor, never across a block.
/// </summary>
public sealed class ContentNotificationsTests(UnlockApp app) : IClassFixture<UnlockApp>
{
    [Fact]
    public async Task Likes_of_one_post_add_up_in_one_notification_and_a_read_one_is_followed_by_a_new_one()
    {
        var author = await app.CreateUserAsync();
        var postId = await PostsApp.PostIdAsync(author, new { text = "like me", visibility = "public" });
        var fans = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            fans.Add(await app.CreateUserAsync());
        }

        await LikeAsync(author, postId); // their own like tells no one
        foreach (var fan in fans)
        {
            await LikeAsync(fan, postId);
            await DrainedAsync(); // in order, so the last liker is known
        }

        var likes = await OfTypeAsync(author, "post_liked");
        var only = Assert.Single(likes);
        Assert.Equal(postId, only.GetProperty("subjectId").GetGuid());
        Assert.Equal(fans[2].Id, only.GetProperty("actor").GetProperty("id").GetGuid());
        Assert.Equal((3, 2), (only.GetProperty("data").GetProperty("count").GetInt32(), only.GetProperty("data").GetProperty("others").GetInt32()));

        await (await author.Client.PostAsJsonAsync("/api/v1/notifications/read", new { all = true })).ShouldBeAsync(HttpStatusCode.OK);
        var late = await app.CreateUserAsync();
        await LikeAsync(late, postId);
        await DrainedAsync();
        likes = await OfTypeAsync(author, "post_liked");
        Assert.Equal(2, likes.Count);
        Assert.Equal((late.Id, 1), (likes[0].GetProperty("actor").GetProperty("id").GetGuid(), likes[0].GetProperty("data").GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Forty_likes_at_once_make_one_notification_that_counts_all_of_them()
    {
        var author = await app.CreateUserAsync();
        var postId = await PostsApp.PostIdAsync(author, new { text = "going viral", visibility = "public" });
        var fans = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => app.CreateUserAsync()));

        await Task.WhenAll(fans.Select(fan => LikeAsync(fan, postId)));
        await DrainedAsync();

        var only = Assert.Single(await OfTypeAsync(author, "post_liked"));
        Assert.Equal(40, only.GetProperty("data").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_comment_tells_the_post_author_and_a_reply_tells_the_parent_comment_author()
    {
        var author = await app.CreateUserAsync();
        var commenter = await app.CreateUserAsync();
        var replier = await app.CreateUserAsync();
        var postId = await PostsApp.PostIdAsync(author, new { text = "talk to me", visibility = "public" });

        var commentId = await CommentAsync(commenter, postId, "first!");
        await CommentAsync(author, postId, "my own comment tells no one");
        var replyId = await CommentAsync(replier, postId, "answering you", commentId);
        await CommentAsync(commenter, postId, "answering myself", commentId);
        await DrainedAsync();

        var comment = Assert.Single(await OfTypeAsync(author, "comment"));
        Assert.Equal((commenter.Id, commentId), (comment.GetProperty("actor").GetProperty("id").GetGuid(), comment.GetProperty("subjectId").GetGuid()));
        Assert.Equal(postId, comment.GetProperty("data").GetProperty("postId").GetGuid());
        var reply = Assert.Single(await OfTypeAsync(commenter, "comment_reply"));
        Assert.Equal((replier.Id, replyId), (reply.GetProperty("actor").GetProperty("id").GetGuid(), reply.GetProperty("subjectId").GetGuid()));
        Assert.Empty(await OfTypeAsync(author, "comment_reply"));
        Assert.Empty(await OfTypeAsync(commenter, "comment"));
        Assert.Empty(await OfTypeAsync(replier, "comment_reply"));
    }

    [Fact]
    public async Task Each_user_mentioned_is_told_once_but_not_the_writer_nor_across_a_block()
    {
        var author = await app.CreateUserAsync();
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        var blocker = await app.CreateUserAsync();
        await PostsApp.BlockAsync(blocker, author);

        var postId = await PostsApp.PostIdAsync(author, new
        {
            text = $"hi @{alice.Handle} and @{alice.Handle.ToUpperInvariant()}, @{bob.Handle}, @{blocker.Handle} and me @{author.Handle}", visibility = "public",
        });
        var commentId = await CommentAsync(bob, postId, $"@{alice.Handle} look");
        await DrainedAsync();

        var toAlice = await OfTypeAsync(alice, "mention");
        Assert.Equal(2, toAlice.Count);
        Assert.Equal([commentId, postId], toAlice.Select(n => n.GetProperty("subjectId").GetGuid()));
        Assert.Equal(bob.Id, toAlice[0].GetProperty("actor").GetProperty("id").GetGuid());
        Assert.Single(await OfTypeAsync(bob, "mention"));
        Assert.Empty(await OfTypeAsync(blocker, "mention"));
        Assert.Empty(await OfTypeAsync(author, "mention"));
    }

    [Fact]
    public async Task A_new_post_tells_the_authors_active_subscribers_only()
    {
        var (creator, planId) = await app.CreatorWithPlanAsync(price: 50);
        var subscriber = await app.CreateUserAsync();
        var canceled = await app.CreateUserAsync();
        var blocking = await app.CreateUserAsync();
        var follower = await app.CreateUserAsync();
        await app.SubscribeAsync(subscriber, creator, planId);
        var toCancel = await app.SubscribeAsync(canceled, creator, planId);
        await (await canceled.Client.DeleteAsync($"/api/v1/subscriptions/{toCancel}")).ShouldBeAsync(HttpStatusCode.OK);
        await app.SubscribeAsync(blocking, creator, planId);
        await PostsApp.BlockAsync(blocking, creator);
        await PostsApp.FollowAsync(follower, creator);

        var postId = await PostsApp.PostIdAsync(creator, new { text = "new drop", visibility = "subscribers", planIds = new[] { planId } });
        await DrainedAsync();

        var told = Assert.Single(await OfTypeAsync(subscriber, "new_post"));
        Assert.Equal((creator.Id, postId), (told.GetProperty("actor").GetProperty("id").GetGuid(), told.GetProperty("subjectId").GetGuid()));
        // Canceled keeps access to the period's end, so they still hear of it; a block or no subscription: nothing.
        Assert.Single(await OfTypeAsync(canceled, "new_post"));
        Assert.Empty(await OfTypeAsync(blocking, "new_post"));
        Assert.Empty(await OfTypeAsync(follower, "new_post"));
        Assert.Empty(await OfTypeAsync(creator, "new_post"));
    }

    [Fact]
    public async Task An_unlock_tells_the_author_who_bought_and_for_how_much()
    {
        var creator = await app.CreatorAsync();
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 100);
        var postId = await UnlockApp.PremiumPostAsync(creator, 70);
        await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created);
        await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.OK);
        await DrainedAsync();

        var sold = Assert.Single(await OfTypeAsync(creator, "post_unlocked"));
        Assert.Equal((buyer.Id, postId, 70L), (sold.GetProperty("actor").GetProperty("id").GetGuid(), sold.GetProperty("subjectId").GetGuid(),
            sold.GetProperty("data").GetProperty("amount").GetInt64()));
    }

    private static async Task LikeAsync(TestUser user, Guid postId) =>
        await (await user.Client.PostAsync($"/api/v1/posts/{postId}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);

    private static async Task<Guid> CommentAsync(TestUser user, Guid postId, string text, Guid? parentId = null) =>
        (await (await user.Client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { text, parentId })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> OfTypeAsync(TestUser user, string type) =>
        (await (await user.Client.GetAsync("/api/v1/notifications?limit=100")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(n => n.GetProperty("type").GetString() == type).ToList();

    /// <summary>Waits until every event raised so far has been handled (the outbox delivers in the background).</summary>
    private async Task DrainedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null && m.DeadAt == null)) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Waited 30 s for the outbox to drain.");
            }

            await Task.Delay(100);
        }
    }
}
