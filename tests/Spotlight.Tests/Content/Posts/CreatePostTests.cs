using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Posts;

public sealed class CreatePostTests(PostsApp app) : IClassFixture<PostsApp>
{
    [Fact]
    public async Task A_public_post_is_created_and_read_whole_by_anyone_even_without_a_token()
    {
        var author = await app.CreateUserAsync();
        var created = await PostsApp.PostAsync(author, new { text = "Hello #World and #world @nobody_here", visibility = "public" });
        Assert.Equal("Hello #World and #world @nobody_here", created.GetProperty("text").GetString());
        Assert.Equal(author.Id, created.GetProperty("author").GetProperty("id").GetGuid());
        Assert.Equal(author.Handle, created.GetProperty("author").GetProperty("handle").GetString());
        Assert.False(created.GetProperty("locked").GetBoolean());

        var read = await (await app.CreateClient().GetAsync($"/api/v1/posts/{created.GetProperty("id").GetGuid()}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Hello #World and #world @nobody_here", read.GetProperty("text").GetString());
        Assert.False(read.GetProperty("likedByMe").GetBoolean());
    }

    [Fact]
    public async Task A_premium_post_is_locked_for_a_stranger_and_whole_for_its_author()
    {
        var (creator, _) = await app.CreatorWithPlanAsync();
        var id = await PostsApp.PostIdAsync(creator, new { text = "secret", visibility = "premium", price = 50 });
        var stranger = await app.CreateUserAsync();

        var locked = await (await stranger.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(locked.GetProperty("locked").GetBoolean());
        Assert.Equal("", locked.GetProperty("text").GetString());
        Assert.Equal(50, locked.GetProperty("price").GetInt64());

        var whole = await (await creator.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("secret", whole.GetProperty("text").GetString());
    }
}
