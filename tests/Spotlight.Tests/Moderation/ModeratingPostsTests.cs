using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Moderation;

/// <summary>Decisions on posts and comments: out of every read path for everyone but the author (who sees why) and staff.</summary>
public sealed class ModeratingPostsTests(PostsApp app) : IClassFixture<PostsApp>
{
    [Theory]
    [InlineData("hide", "hidden")]
    [InlineData("remove", "removed")]
    public async Task A_post_hidden_or_removed_is_404_on_every_read_path_for_others_and_shows_moderation_to_its_author(string action, string status)
    {
        var (moderator, author, follower) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        await PostsApp.FollowAsync(follower, author);
        var tag = "mod" + Guid.NewGuid().ToString("N")[..10];
        var post = await PostsApp.PostIdAsync(author, new { text = $"Cheap followers here #{tag}", visibility = "public" });
        Assert.Equal(HttpStatusCode.OK, (await follower.Client.GetAsync($"/api/v1/posts/{post}")).StatusCode);
        var caseId = await ReportedCaseAsync(follower, moderator, "post", post);
        Assert.Equal($"Cheap followers here #{tag}", (await OpenCaseAsync(moderator, "post", post))!.Value.GetProperty("preview").GetString());

        await (await ResolveAsync(moderator, caseId, action, "Selling fake followers")).ShouldBeAsync(HttpStatusCode.OK);

        foreach (var reader in new[] { follower.Client, app.CreateClient() })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/api/v1/posts/{post}")).StatusCode);
            Assert.DoesNotContain(post, await IdsAsync(reader, $"/api/v1/users/{author.Id}/posts"));
            Assert.DoesNotContain(post, await IdsAsync(reader, $"/api/v1/hashtags/{tag}/posts"));
        }

        Assert.DoesNotContain(post, await IdsAsync(follower.Client, "/api/v1/feed"));
        Assert.Equal(HttpStatusCode.NotFound, (await follower.Client.GetAsync($"/api/v1/posts/{post}/comments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await follower.Client.PostAsync($"/api/v1/posts/{post}/like", null)).StatusCode);

        var own = await (await author.Client.GetAsync($"/api/v1/posts/{post}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(status, own.GetProperty("moderation").GetProperty("status").GetString());
        Assert.Equal("Selling fake followers", own.GetProperty("moderation").GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await moderator.Client.GetAsync($"/api/v1/posts/{post}")).StatusCode);
        Assert.Equal(action, (await NotificationAsync(author, "moderation", post)).GetProperty("data").GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_hidden_comment_leaves_the_posts_comments_for_others()
    {
        var (moderator, author, commenter) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var post = await PostsApp.PostIdAsync(author, new { text = "Say hi", visibility = "public" });
        var comment = (await (await commenter.Client.PostAsJsonAsync($"/api/v1/posts/{post}/comments", new { text = "you are awful" }))
            .ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var caseId = await ReportedCaseAsync(author, moderator, "comment", comment, "harassment");

        await (await ResolveAsync(moderator, caseId, "hide", "Insult")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.DoesNotContain(comment, await IdsAsync(author.Client, $"/api/v1/posts/{post}/comments"));
        Assert.Equal("hide", (await NotificationAsync(commenter, "moderation", comment)).GetProperty("data").GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_post_the_reporter_may_not_see_cannot_be_reported()
    {
        var (author, stranger) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var post = await PostsApp.PostIdAsync(author, new { text = "mine", visibility = "public" });
        await PostsApp.BlockAsync(author, stranger);

        await (await ReportAsync(stranger, "post", post)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ReportAsync(author, "post", post)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_report_self");
    }

    internal static async Task<List<Guid>> IdsAsync(HttpClient client, string path)
    {
        var page = await (await client.GetAsync(path)).ShouldBeAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
    }
}

/// <summary>A decision taken on one node holds on every node at once: posts are read from the shared database, never from a node's cache.</summary>
public sealed class ModerationAcrossNodesTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [PostgresFact]
    public async Task A_post_hidden_on_one_node_is_404_on_the_other()
    {
        var (moderator, author, reader) = (await nodes.First.CreateUserAsync("moderator"), await nodes.First.CreateUserAsync(), await nodes.First.CreateUserAsync());
        var post = await PostsApp.PostIdAsync(author, new { text = "visible everywhere, for now", visibility = "public" });
        var onSecond = nodes.Second.Authorized(reader.AccessToken);
        var anonymousOnSecond = nodes.Second.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync($"/api/v1/posts/{post}")).StatusCode);
        Assert.Contains(post, await ModeratingPostsTests.IdsAsync(anonymousOnSecond, $"/api/v1/users/{author.Id}/posts"));
        var caseId = await ReportedCaseAsync(reader, moderator, "post", post);

        await (await ResolveAsync(moderator, caseId, "hide", "Spam")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, (await onSecond.GetAsync($"/api/v1/posts/{post}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymousOnSecond.GetAsync($"/api/v1/posts/{post}")).StatusCode);
        Assert.DoesNotContain(post, await ModeratingPostsTests.IdsAsync(anonymousOnSecond, $"/api/v1/users/{author.Id}/posts"));
        var own = await (await nodes.Second.Authorized(author.AccessToken).GetAsync($"/api/v1/posts/{post}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("hidden", own.GetProperty("moderation").GetProperty("status").GetString());
    }
}
