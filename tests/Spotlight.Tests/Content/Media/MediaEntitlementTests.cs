using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>GET /media/{id} beyond its owner: whoever the entitlement function lets see the post whole, and nobody else.</summary>
public sealed class MediaEntitlementTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task A_follower_sees_the_media_of_a_followers_only_post_and_a_stranger_gets_404()
    {
        var (author, follower, stranger) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = (await author.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString();
        await (await follower.Client.PostAsync($"/api/v1/users/{author.Id}/follow", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await author.Client.PostAsJsonAsync("/api/v1/posts", new { text = "for my followers", mediaIds = new[] { id }, visibility = "followers" }))
            .ShouldBeAsync(HttpStatusCode.Created);

        var seen = await (await follower.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("ready", seen.GetProperty("status").GetString());
        var url = seen.GetProperty("url").GetString()!;
        Assert.Contains("sig=", url, StringComparison.Ordinal); // gated: signed
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(url)).StatusCode);
        await (await stranger.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Anyone_sees_the_media_of_a_public_post_with_an_unsigned_url()
    {
        var author = await app.CreateUserAsync();
        var id = (await author.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString();
        await (await author.Client.PostAsJsonAsync("/api/v1/posts", new { text = "hello", mediaIds = new[] { id }, visibility = "public" })).ShouldBeAsync(HttpStatusCode.Created);

        var seen = await (await app.CreateClient().GetAsync($"/api/v1/media/{id}")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal($"/api/v1/media/{id}/file", seen.GetProperty("url").GetString());
        var response = await app.CreateClient().GetAsync(seen.GetProperty("url").GetString());
        Assert.True(response.Headers.CacheControl!.Public);
    }

    [Fact]
    public async Task Another_users_upload_cannot_be_put_on_your_post()
    {
        var (owner, thief) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = (await owner.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString();

        await (await thief.Client.PostAsJsonAsync("/api/v1/posts", new { text = "mine now", mediaIds = new[] { id }, visibility = "public" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "media_not_found");
        await (await thief.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
