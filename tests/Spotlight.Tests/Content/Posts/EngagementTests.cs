using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content;
using Spotlight.Content.Posts;
using Spotlight.Moderation;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Posts;

/// <summary>Likes, comments and replies, and moderators' decisions on posts and comments.</summary>
public sealed class EngagementTests(PostsApp app) : IClassFixture<PostsApp>
{
    [Fact]
    public async Task Liking_twice_counts_once_and_unliking_twice_uncounts_once()
    {
        var author = await app.CreateUserAsync();
        var fan = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(author, new { text = "like me", visibility = "public" });

        await (await fan.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await fan.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        var liked = await (await fan.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((1, true), (liked.GetProperty("likeCount").GetInt32(), liked.GetProperty("likedByMe").GetBoolean()));
        Assert.False((await (await author.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("likedByMe").GetBoolean());
        await app.Events.WaitForAsync<PostLiked>(e => e.PostId == id && e.LikerId == fan.Id && e.AuthorId == author.Id);

        await (await fan.Client.DeleteAsync($"/api/v1/posts/{id}/like")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await fan.Client.DeleteAsync($"/api/v1/posts/{id}/like")).ShouldBeAsync(HttpStatusCode.NoContent);
        var unliked = await (await fan.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal((0, false), (unliked.GetProperty("likeCount").GetInt32(), unliked.GetProperty("likedByMe").GetBoolean()));
        Assert.Single(app.Events.Of<PostLiked>(), e => e.PostId == id); // the repeated like raised nothing
    }

    [Fact]
    public async Task A_locked_post_may_be_liked_a_post_one_cannot_see_may_not()
    {
        var (creator, _) = await app.CreatorWithPlanAsync();
        var stranger = await app.CreateUserAsync();
        var blocked = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(creator, new { text = "pay", visibility = "premium", price = 10 });
        await PostsApp.BlockAsync(creator, blocked);

        await (await stranger.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await blocked.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await blocked.Client.DeleteAsync($"/api/v1/posts/{id}/like")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.PostAsync($"/api/v1/posts/{Guid.NewGuid()}/like", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await (await creator.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("likeCount").GetInt32());
    }

    [Fact]
    public async Task Comments_and_one_level_of_replies_keep_exact_counts_through_deletions()
    {
        var author = await app.CreateUserAsync();
        var (alice, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await PostsApp.PostIdAsync(author, new { text = "talk", visibility = "public" });
        var first = await PostsApp.CommentAsync(alice, id, $"hi @{bob.Handle}");
        var second = await PostsApp.CommentAsync(bob, id, "hello");
        var reply1 = await PostsApp.CommentAsync(bob, id, "re", first);
        await PostsApp.CommentAsync(author, id, "re re", first);

        Assert.Equal(4, await CommentCountAsync(author, id));
        var top = await (await alice.Client.GetAsync($"/api/v1/posts/{id}/comments")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([second, first], top.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(2, top.GetProperty("items")[1].GetProperty("replyCount").GetInt32());
        Assert.Equal(2, (await PostsApp.IdsAsync(alice.Client, $"/api/v1/posts/{id}/comments?parentId={first}")).Count);

        var added = await app.Events.WaitForAsync<CommentAdded>(e => e.CommentId == reply1);
        Assert.Equal((first, alice.Id, author.Id), (added.ParentId!.Value, added.ParentAuthorId!.Value, added.PostAuthorId));
        var mention = await app.Events.WaitForAsync<UsersMentioned>(e => e.CommentId == first);
        Assert.Equal([bob.Id], mention.MentionedIds);

        // A reply to a reply is refused; so is a parent from another post.
        var problem = await (await alice.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = "deep", parentId = reply1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("parentId", out _));
        var elsewhere = await PostsApp.PostIdAsync(author, new { text = "other", visibility = "public" });
        await (await alice.Client.PostAsJsonAsync($"/api/v1/posts/{elsewhere}/comments", new { text = "x", parentId = first }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        // A reply deleted: one less. A top-level comment deleted: it and its remaining reply.
        await (await bob.Client.DeleteAsync($"/api/v1/comments/{reply1}")).ShouldBeAsync(HttpStatusCode.NoContent);
        Assert.Equal(3, await CommentCountAsync(author, id));
        await (await alice.Client.DeleteAsync($"/api/v1/comments/{first}")).ShouldBeAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, await CommentCountAsync(author, id));
        await (await alice.Client.DeleteAsync($"/api/v1/comments/{first}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal([second], await PostsApp.IdsAsync(alice.Client, $"/api/v1/posts/{id}/comments"));
    }

    [Fact]
    public async Task A_comment_is_deleted_by_its_author_the_posts_author_or_staff_and_no_one_else()
    {
        var author = await app.CreateUserAsync();
        var (commenter, other) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var id = await PostsApp.PostIdAsync(author, new { text = "talk", visibility = "public" });
        var comments = new[] { await PostsApp.CommentAsync(commenter, id, "a"), await PostsApp.CommentAsync(commenter, id, "b"), await PostsApp.CommentAsync(commenter, id, "c") };

        await (await other.Client.DeleteAsync($"/api/v1/comments/{comments[0]}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().DeleteAsync($"/api/v1/comments/{comments[0]}")).ShouldBeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(3, await CommentCountAsync(author, id));

        await (await commenter.Client.DeleteAsync($"/api/v1/comments/{comments[0]}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await author.Client.DeleteAsync($"/api/v1/comments/{comments[1]}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await moderator.Client.DeleteAsync($"/api/v1/comments/{comments[2]}")).ShouldBeAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await CommentCountAsync(author, id));
    }

    [Fact]
    public async Task Closed_comments_refuse_new_ones_but_not_the_author_and_bad_comments_are_400s()
    {
        var author = await app.CreateUserAsync();
        var fan = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(author, new { text = "quiet", visibility = "public" });

        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = new string('a', 2001) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = "x", postId = id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{Guid.NewGuid()}/comments", new { text = "x" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { commentsClosed = true })).ShouldBeAsync(HttpStatusCode.OK);
        await (await fan.Client.PostAsJsonAsync($"/api/v1/posts/{id}/comments", new { text = "let me in" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "comments_closed");
        await PostsApp.CommentAsync(author, id, "pinned note");

        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { commentsClosed = false })).ShouldBeAsync(HttpStatusCode.OK);
        await PostsApp.CommentAsync(fan, id, "thanks");
    }

    [Theory]
    [InlineData(ContentDecision.Hide, "hidden")]
    [InlineData(ContentDecision.Remove, "removed")]
    public async Task A_moderated_post_leaves_every_read_path_but_its_authors_and_staffs_and_comes_back_on_restore(ContentDecision decision, string status)
    {
        var author = await app.CreateUserAsync();
        var follower = await app.CreateUserAsync();
        var moderator = await app.CreateUserAsync(roles: "moderator");
        await PostsApp.FollowAsync(follower, author);
        var tag = "mod" + Guid.NewGuid().ToString("N")[..6];
        var id = await PostsApp.PostIdAsync(author, new { text = $"#{tag}", visibility = "public" });
        Assert.NotNull(await app.FindTargetAsync("post", id, follower.Id));

        await app.ApplyAsync("post", id, decision, "spam link");

        var anonymous = app.CreateClient();
        await (await anonymous.GetAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await follower.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(id, await PostsApp.IdsAsync(follower.Client, $"/api/v1/users/{author.Id}/posts"));
        Assert.DoesNotContain(id, await PostsApp.IdsAsync(anonymous, $"/api/v1/hashtags/{tag}/posts"));
        Assert.DoesNotContain(id, await PostsApp.IdsAsync(follower.Client, "/api/v1/feed"));
        await (await follower.Client.GetAsync($"/api/v1/posts/{id}/comments")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await follower.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Null(await app.FindTargetAsync("post", id, follower.Id));

        foreach (var insider in new[] { author, moderator })
        {
            var seen = await (await insider.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal(status, seen.GetProperty("moderation").GetProperty("status").GetString());
            Assert.Equal("spam link", seen.GetProperty("moderation").GetProperty("reason").GetString());
        }

        Assert.Contains(id, await PostsApp.IdsAsync(author.Client, $"/api/v1/users/{author.Id}/posts"));
        Assert.NotNull(await app.FindTargetAsync("post", id, null)); // staff still find it

        await app.ApplyAsync("post", id, ContentDecision.Restore);
        var back = await (await follower.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, back.GetProperty("moderation").ValueKind);
        Assert.Contains(id, await PostsApp.IdsAsync(follower.Client, "/api/v1/feed"));
        Assert.Contains(id, await PostsApp.IdsAsync(anonymous, $"/api/v1/hashtags/{tag}/posts"));
    }

    [Fact]
    public async Task A_moderated_comment_leaves_the_list_and_the_count_once_and_returns_on_restore()
    {
        var author = await app.CreateUserAsync();
        var (writer, reader) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await PostsApp.PostIdAsync(author, new { text = "talk", visibility = "public" });
        var comment = await PostsApp.CommentAsync(writer, id, "rude");
        await PostsApp.CommentAsync(reader, id, "fine");
        Assert.NotNull(await app.FindTargetAsync("comment", comment, reader.Id));

        await app.ApplyAsync("comment", comment, ContentDecision.Hide);
        await app.ApplyAsync("comment", comment, ContentDecision.Remove); // a second decision does not count it out again
        Assert.Equal(1, await CommentCountAsync(author, id));
        Assert.DoesNotContain(comment, await PostsApp.IdsAsync(reader.Client, $"/api/v1/posts/{id}/comments"));
        Assert.Null(await app.FindTargetAsync("comment", comment, reader.Id));
        var own = (await (await writer.Client.GetAsync($"/api/v1/posts/{id}/comments")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("id").GetGuid() == comment);
        Assert.Equal("removed", own.GetProperty("moderation").GetProperty("status").GetString());

        await app.ApplyAsync("comment", comment, ContentDecision.Restore);
        await app.ApplyAsync("comment", comment, ContentDecision.Restore);
        Assert.Equal(2, await CommentCountAsync(author, id));
        Assert.Contains(comment, await PostsApp.IdsAsync(reader.Client, $"/api/v1/posts/{id}/comments"));
    }

    [Fact]
    public async Task A_moderated_posts_media_are_withheld_and_exposed_again_on_restore()
    {
        var author = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(author, new { text = "pic", visibility = "public" });
        var mediaId = Guid.CreateVersion7();
        await app.WithDbAsync(async db =>
        {
            db.Add(new Spotlight.Content.Media.MediaItem
            {
                Id = mediaId, OwnerId = author.Id, PostId = id, Kind = "image", ContentType = "image/png", Size = 10, Width = 1, Height = 1,
                Status = Spotlight.Content.Media.MediaStatus.Ready, StorageKey = "k", Exposure = Spotlight.Content.Media.MediaExposure.Public,
                CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        });

        await app.ApplyAsync("post", id, ContentDecision.Hide);
        Assert.Equal(Spotlight.Content.Media.MediaExposure.Withheld, await ExposureAsync(mediaId));
        await app.ApplyAsync("post", id, ContentDecision.Restore);
        Assert.Equal(Spotlight.Content.Media.MediaExposure.Public, await ExposureAsync(mediaId));
        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { visibility = "followers" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(Spotlight.Content.Media.MediaExposure.Gated, await ExposureAsync(mediaId));
        await (await author.Client.DeleteAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
        Assert.Equal(Spotlight.Content.Media.MediaExposure.Deleted, await ExposureAsync(mediaId));
    }

    private Task<Spotlight.Content.Media.MediaExposure> ExposureAsync(Guid mediaId) =>
        app.WithDbAsync(db => db.Set<Spotlight.Content.Media.MediaItem>().Where(m => m.Id == mediaId).Select(m => m.Exposure).SingleAsync());

    private static async Task<int> CommentCountAsync(TestUser viewer, Guid postId) =>
        (await (await viewer.Client.GetAsync($"/api/v1/posts/{postId}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("commentCount").GetInt32();
}
