using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Media;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>Serving media: signed and expiring unless public, cache headers by exposure, never as a page; reading and deleting by owner only.</summary>
public sealed class MediaServingTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task An_unattached_upload_is_served_by_its_signed_url_privately_and_never_as_a_page()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg");
        var url = media.GetProperty("url").GetString()!;
        Assert.Contains("?expires=", url, StringComparison.Ordinal);

        var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("inline", response.Content.Headers.ContentDisposition!.DispositionType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("sandbox", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl!.Private);
        Assert.InRange(response.Headers.CacheControl.MaxAge!.Value.TotalSeconds, 500, 600);
        // Without its signature the same path is refused.
        await (await app.CreateClient().GetAsync(MediaUrls.PathOf(Guid.Parse(media.GetProperty("id").GetString()!), MediaVariant.File)))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "invalid_signature");
    }

    [Fact]
    public async Task A_signed_url_stops_working_once_it_expires_after_ten_minutes()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg");
        var url = media.GetProperty("url").GetString()!;
        var expires = long.Parse(System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + url).Query)["expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - app.Clock.GetUtcNow().ToUnixTimeSeconds(), 590, 600);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(url)).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(11));

        await (await app.CreateClient().GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "invalid_signature");
    }

    [Fact]
    public async Task A_tampered_signed_url_is_refused()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg");
        var url = media.GetProperty("url").GetString()!;
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + url).Query);
        var (expires, sig) = (long.Parse(query["expires"]!, System.Globalization.CultureInfo.InvariantCulture), query["sig"]!);
        var id = Guid.Parse(media.GetProperty("id").GetString()!);
        var other = Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "b.jpg", "image/jpeg")).GetProperty("id").GetString()!);
        var forged = (sig[0] == 'A' ? "B" : "A") + sig[1..];

        foreach (var tampered in new[]
        {
            $"{MediaUrls.PathOf(id, MediaVariant.File)}?expires={expires + 3600}&sig={sig}", // a longer life
            $"{MediaUrls.PathOf(id, MediaVariant.File)}?expires={expires}&sig={forged}", // another signature
            $"{MediaUrls.PathOf(other, MediaVariant.File)}?expires={expires}&sig={sig}", // another medium
            $"{MediaUrls.PathOf(id, MediaVariant.Thumbnail)}?expires={expires}&sig={sig}", // another variant
            $"{MediaUrls.PathOf(id, MediaVariant.File)}?expires={expires}", // none
        })
        {
            await (await app.CreateClient().GetAsync(tampered)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "invalid_signature");
        }

        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_public_posts_media_is_served_unsigned_cacheable_with_a_strong_etag_and_304_on_revalidation()
    {
        var user = await app.CreateUserAsync();
        var id = Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString()!);
        await MediaSamples.PostWithAsync(app, user.Id, id, MediaExposure.Public);

        var media = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}");
        var url = media.GetProperty("url").GetString()!;
        Assert.Equal(MediaUrls.PathOf(id, MediaVariant.File), url);
        var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromDays(1), response.Headers.CacheControl.MaxAge);
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        var revalidated = await app.CreateClient().SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(media.GetProperty("thumbnailUrl").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_gated_posts_media_needs_a_signature_and_is_cached_privately()
    {
        var user = await app.CreateUserAsync();
        var id = Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString()!);
        await MediaSamples.PostWithAsync(app, user.Id, id, MediaExposure.Gated, "followers");

        var media = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}");
        var response = await app.CreateClient().GetAsync(media.GetProperty("url").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.Private);
        Assert.False(response.Headers.CacheControl.Public);
        await (await app.CreateClient().GetAsync(MediaUrls.PathOf(id, MediaVariant.File))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "invalid_signature");
    }

    [Fact]
    public async Task Media_of_a_hidden_or_deleted_post_is_no_longer_served_even_by_a_signed_url()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg");
        var id = Guid.Parse(media.GetProperty("id").GetString()!);
        var postId = await MediaSamples.PostWithAsync(app, user.Id, id, MediaExposure.Public);
        var signed = media.GetProperty("url").GetString()!;

        foreach (var exposure in new[] { MediaExposure.Withheld, MediaExposure.Deleted })
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<IPostMedia>().ExposeAsync(postId, exposure, CancellationToken.None);
            }

            await (await app.CreateClient().GetAsync(MediaUrls.PathOf(id, MediaVariant.File))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await app.CreateClient().GetAsync(signed)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        }
    }

    [Fact]
    public async Task Another_users_media_does_not_exist_for_you()
    {
        var (owner, stranger) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = (await owner.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString();

        await (await stranger.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await stranger.Client.DeleteAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await owner.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeAsync(HttpStatusCode.OK); // still there
        await (await stranger.Client.GetAsync($"/api/v1/media/{Guid.CreateVersion7()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_owner_deletes_an_unattached_upload_once_and_not_one_a_post_carries()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg");
        var id = media.GetProperty("id").GetString();
        var key = await app.WithDbAsync(db => db.Set<MediaItem>().Where(m => m.Id == Guid.Parse(id!)).Select(m => m.StorageKey).SingleAsync());
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "media", key["local:".Length..])));

        await (await user.Client.DeleteAsync($"/api/v1/media/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);

        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "media", key["local:".Length..])));
        await (await user.Client.GetAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().GetAsync(media.GetProperty("url").GetString())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await user.Client.DeleteAsync($"/api/v1/media/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        var attached = Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "b.jpg", "image/jpeg")).GetProperty("id").GetString()!);
        await MediaSamples.PostWithAsync(app, user.Id, attached, MediaExposure.Public);
        await (await user.Client.DeleteAsync($"/api/v1/media/{attached}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "media_in_use");
    }

    [Fact]
    public async Task The_cleanup_job_removes_stale_unattached_uploads_and_media_of_deleted_posts_but_keeps_posted_media()
    {
        var user = await app.CreateUserAsync();
        async Task<Guid> UploadAsync() => Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).GetProperty("id").GetString()!);
        var (stale, ofDeletedPost, posted) = (await UploadAsync(), await UploadAsync(), await UploadAsync());
        await MediaSamples.PostWithAsync(app, user.Id, ofDeletedPost, MediaExposure.Deleted);
        await MediaSamples.PostWithAsync(app, user.Id, posted, MediaExposure.Public);

        app.Clock.Advance(TimeSpan.FromMinutes(61)); // a new ten-minute slot: the runner enqueues the cleanup at its next poll

        List<string?> Files() => Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "media"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        bool IsOf(string? file, Guid id) => file!.StartsWith(id.ToString("N"), StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await app.WithDbAsync(db => db.Set<MediaItem>().AnyAsync(m => m.Id == stale || m.Id == ofDeletedPost))
            || Files().Any(f => IsOf(f, stale) || IsOf(f, ofDeletedPost)))
        {
            Assert.True(DateTime.UtcNow < deadline, "The cleanup job did not remove the media and their files within 30 s.");
            await Task.Delay(200);
        }

        Assert.True(await app.WithDbAsync(db => db.Set<MediaItem>().AnyAsync(m => m.Id == posted)));
        Assert.Equal(2, Files().Count(f => IsOf(f, posted))); // the file and its thumbnail
    }
}
