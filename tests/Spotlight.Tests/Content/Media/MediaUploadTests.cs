using System.Net;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Spotlight.Content.Media;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>A server whose image limit is small, so the oversized upload is quick to send.</summary>
public sealed class MediaApp : SpotlightApp
{
    public const int MaxImageBytes = 256 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Content:Media:MaxImageBytes"] = MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Storage:Quotas:premium"] = "1KiB", // the quota test's users; everyone else has free's 200 MiB
    };
}

/// <summary>POST /media: what is accepted, what is refused (by the bytes, never the name), and what of the original survives.</summary>
public sealed class MediaUploadTests(MediaApp app) : IClassFixture<MediaApp>
{
    [Fact]
    public async Task A_photo_comes_back_ready_with_its_size_a_thumbnail_and_a_blurhash()
    {
        var user = await app.CreateUserAsync();

        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(64, 48), "beach.jpg", "image/jpeg");

        Assert.Equal("image", media.GetProperty("kind").GetString());
        Assert.Equal("ready", media.GetProperty("status").GetString());
        Assert.Equal("image/jpeg", media.GetProperty("contentType").GetString());
        Assert.Equal(64, media.GetProperty("width").GetInt32());
        Assert.Equal(48, media.GetProperty("height").GetInt32());
        Assert.True(media.GetProperty("size").GetInt64() > 0);
        Assert.Matches("^[0-9A-Za-z#$%*+,.:;=?@\\[\\]^_{|}~-]{20,}$", media.GetProperty("blurhash").GetString());
        var thumbnail = await app.CreateClient().GetAsync(media.GetProperty("thumbnailUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        using var decoded = SKBitmap.Decode(await thumbnail.Content.ReadAsByteArrayAsync());
        Assert.Equal((64, 48), (decoded.Width, decoded.Height)); // smaller than 320: not enlarged
    }

    [Fact]
    public async Task A_large_photo_gets_a_320_pixel_thumbnail()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(1200, 900), "big.jpg", "image/jpeg");

        var thumbnail = await app.CreateClient().GetByteArrayAsync(media.GetProperty("thumbnailUrl").GetString());
        using var decoded = SKBitmap.Decode(thumbnail);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task A_png_with_transparency_stays_a_png()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Png(), "logo.png", "image/png");
        Assert.Equal("image/png", media.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task The_gps_position_and_the_rest_of_the_exif_never_leave_the_server()
    {
        var user = await app.CreateUserAsync();
        var original = MediaSamples.Jpeg(exif: MediaSamples.Exif(orientation: 1, gps: true));
        var gps = ImageMetadataReader.ReadMetadata(new MemoryStream(original)).OfType<GpsDirectory>().Single();
        Assert.Equal(48.858, gps.GetGeoLocation()!.Latitude, 3); // the sample really carries a position

        var media = await user.Client.UploadOkAsync(original, "me.jpg", "image/jpeg");

        foreach (var url in new[] { media.GetProperty("url").GetString(), media.GetProperty("thumbnailUrl").GetString() })
        {
            var served = await app.CreateClient().GetByteArrayAsync(url);
            var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(served));
            Assert.Empty(directories.OfType<GpsDirectory>());
            Assert.Empty(directories.OfType<ExifIfd0Directory>());
            Assert.DoesNotContain("Exif\0\0", Encoding.Latin1.GetString(served), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_exif_orientation_is_applied_so_a_phone_photo_stands_upright()
    {
        var user = await app.CreateUserAsync();
        // 40 × 20, red left, blue right, "turn a quarter clockwise to show": shown, it is 20 × 40 with red on top.
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(40, 20, MediaSamples.Exif(orientation: 6, gps: false)), "upright.jpg", "image/jpeg");

        Assert.Equal((20, 40), (media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
        using var shown = SKBitmap.Decode(await app.CreateClient().GetByteArrayAsync(media.GetProperty("url").GetString()));
        Assert.Equal((20, 40), (shown.Width, shown.Height));
        Assert.True(shown.GetPixel(10, 5).Red > 200 && shown.GetPixel(10, 5).Blue < 60, $"top is {shown.GetPixel(10, 5)}");
        Assert.True(shown.GetPixel(10, 35).Blue > 200 && shown.GetPixel(10, 35).Red < 60, $"bottom is {shown.GetPixel(10, 35)}");
    }

    [Fact]
    public async Task A_disguised_executable_renamed_jpg_is_refused()
    {
        var user = await app.CreateUserAsync();
        byte[] executable = [.. "MZ"u8, 0x90, 0x00, 0x03, .. new byte[200], .. "This program cannot be run in DOS mode"u8];
        byte[] elf = [0x7F, .. "ELF"u8, 2, 1, 1, .. new byte[200]];

        await (await user.Client.UploadAsync(executable, "holiday.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(elf, "holiday.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await CountAsync(user.Id));
    }

    [Fact]
    public async Task Html_declared_as_a_png_is_refused()
    {
        var user = await app.CreateUserAsync();
        var html = "<!DOCTYPE html><html><body><script>fetch('/api/v1/me')</script></body></html>"u8.ToArray();

        await (await user.Client.UploadAsync(html, "pixel.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task An_svg_with_a_script_is_refused()
    {
        var user = await app.CreateUserAsync();
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.domain)</script><circle r=\"10\"/></svg>"u8.ToArray();

        await (await user.Client.UploadAsync(svg, "icon.svg", "image/svg+xml")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(svg, "icon.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_jpeg_with_a_zip_appended_is_a_polyglot_and_is_refused()
    {
        var user = await app.CreateUserAsync();
        byte[] polyglot = [.. MediaSamples.Jpeg(), .. MediaSamples.Zip()];

        var problem = await (await user.Client.UploadAsync(polyglot, "cat.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("polyglot", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // And with HTML instead of an archive after the end-of-image marker.
        byte[] withHtml = [.. MediaSamples.Jpeg(), .. "<html><script>alert(1)</script></html>"u8];
        await (await user.Client.UploadAsync(withHtml, "cat.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Bytes_of_one_type_declared_or_named_as_another_are_refused()
    {
        var user = await app.CreateUserAsync();
        var jpeg = MediaSamples.Jpeg();

        await (await user.Client.UploadAsync(jpeg, "photo.jpg", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(jpeg, "photo.png", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(jpeg, "photo.html", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        // A generic claim says nothing, and is accepted: the bytes decide.
        await user.Client.UploadOkAsync(jpeg, "photo", "application/octet-stream");
    }

    [Fact]
    public async Task An_image_over_the_limit_is_refused_as_too_large()
    {
        var user = await app.CreateUserAsync();
        byte[] oversized = [.. MediaSamples.Jpeg().AsSpan(0, 100), .. new byte[MediaApp.MaxImageBytes]];

        var problem = await (await user.Client.UploadAsync(oversized, "huge.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Contains("256 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(user.Id));
    }

    [Fact]
    public async Task A_png_claiming_30000_by_30000_pixels_is_refused_before_it_is_decoded()
    {
        var user = await app.CreateUserAsync();
        var bomb = MediaSamples.PngBomb();
        Assert.True(bomb.Length < 200, $"the bomb is {bomb.Length} bytes");

        var problem = await (await user.Client.UploadAsync(bomb, "bomb.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("30000 × 30000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // A side over 16,384 with few pixels in all is refused too.
        await (await user.Client.UploadAsync(MediaSamples.PngBomb(20_000), "tall.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_truncated_file_is_refused_not_a_server_error()
    {
        var user = await app.CreateUserAsync();
        var jpeg = MediaSamples.Jpeg(300, 300, noise: true);
        var png = MediaSamples.Png(100, 100);

        var problem = await (await user.Client.UploadAsync(jpeg[..(jpeg.Length / 2)], "cut.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("truncated", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await user.Client.UploadAsync(png[..(png.Length - 20)], "cut.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(jpeg[..4], "tiny.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_request_that_is_not_a_multipart_file_is_a_bad_request()
    {
        var user = await app.CreateUserAsync();

        await (await user.Client.PostAsync("/api/v1/media", new ByteArrayContent(MediaSamples.Jpeg()))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "caption" } };
        await (await user.Client.PostAsync("/api/v1/media", form)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.CreateClient().UploadAsync(MediaSamples.Jpeg(), "a.jpg", "image/jpeg")).ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_upload_over_the_quota_is_refused_and_nothing_is_kept_and_others_still_upload()
    {
        var premium = await app.CreateUserAsync(tier: "premium"); // 1 KiB in this fixture
        var other = await app.CreateUserAsync();

        var problem = await (await premium.Client.UploadAsync(MediaSamples.Jpeg(200, 200, noise: true), "a.jpg", "image/jpeg"))
            .ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        Assert.Equal(1024, problem.GetProperty("limit").GetInt64());
        await (await premium.Client.UploadAsync(MediaSamples.Jpeg(200, 200, noise: true), "a.jpg", "image/jpeg"))
            .ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        Assert.Equal(0, await CountAsync(premium.Id));
        Assert.Empty(System.IO.Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "media-incoming")));
        await other.Client.UploadOkAsync(MediaSamples.Jpeg(200, 200, noise: true), "a.jpg", "image/jpeg");
    }

    private Task<int> CountAsync(Guid owner) => app.WithDbAsync(db => db.Set<MediaItem>().CountAsync(m => m.OwnerId == owner));
}
