using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using Spotlight.Content.Media;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>Videos are stored at once as processing; a job with ffprobe and ffmpeg makes them ready, or failed with a reason.</summary>
public sealed class VideoTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [ToolFact("ffmpeg", "ffprobe")]
    public async Task A_video_is_processing_at_first_then_ready_with_its_duration_size_and_poster()
    {
        var user = await app.CreateUserAsync();

        var uploaded = await user.Client.UploadOkAsync(await MediaSamples.Mp4Async(1), "clip.mp4", "video/mp4");

        Assert.Equal("video", uploaded.GetProperty("kind").GetString());
        Assert.Equal("video/mp4", uploaded.GetProperty("contentType").GetString());
        var media = await user.Client.WaitProcessedAsync(uploaded.GetProperty("id").GetString()!);
        Assert.True(media.GetProperty("status").GetString() == "ready", media.ToString());
        Assert.InRange(media.GetProperty("durationMs").GetInt32(), 900, 1100);
        Assert.Equal((320, 240), (media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
        Assert.False(string.IsNullOrEmpty(media.GetProperty("blurhash").GetString()));
        var poster = await app.CreateClient().GetAsync(media.GetProperty("thumbnailUrl").GetString());
        Assert.Equal("image/jpeg", poster.Content.Headers.ContentType!.MediaType);
        using var frame = SKBitmap.Decode(await poster.Content.ReadAsByteArrayAsync());
        Assert.Equal((320, 240), (frame.Width, frame.Height));
    }

    [ToolFact("ffmpeg", "ffprobe")]
    public async Task A_video_is_served_in_ranges()
    {
        var user = await app.CreateUserAsync();
        var bytes = await MediaSamples.Mp4Async(1);
        var media = await user.Client.WaitProcessedAsync((await user.Client.UploadOkAsync(bytes, "clip.mp4", "video/mp4")).GetProperty("id").GetString()!);
        var request = new HttpRequestMessage(HttpMethod.Get, media.GetProperty("url").GetString());
        request.Headers.Range = new RangeHeaderValue(100, 199);

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentRange!.Length);
        Assert.Equal(bytes[100..200], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal("inline", response.Content.Headers.ContentDisposition!.DispositionType);
    }

    [ToolFact("ffmpeg", "ffprobe")]
    public async Task A_video_no_decoder_can_read_fails_with_a_reason_instead_of_processing_forever()
    {
        var user = await app.CreateUserAsync();

        var uploaded = await user.Client.UploadOkAsync(MediaSamples.BrokenMp4(), "broken.mp4", "video/mp4");
        var media = await user.Client.WaitProcessedAsync(uploaded.GetProperty("id").GetString()!);

        Assert.Equal("failed", media.GetProperty("status").GetString());
        var reason = media.GetProperty("failureReason").GetString();
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.DoesNotContain(app.DataDirectory, reason, StringComparison.Ordinal); // the server's paths stay on the server
        Assert.Equal(JsonValueKind.Null, media.GetProperty("url").ValueKind);
    }

    [ToolFact("ffmpeg", "ffprobe")]
    public async Task A_truncated_or_padded_video_is_refused_at_upload()
    {
        var user = await app.CreateUserAsync();
        var bytes = await MediaSamples.Mp4Async(1);

        await (await user.Client.UploadAsync(bytes[..(bytes.Length - 500)], "cut.mp4", "video/mp4")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync([.. bytes, .. MediaSamples.Zip()], "zip.mp4", "video/mp4")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await user.Client.UploadAsync(bytes, "clip.mov", "video/quicktime")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [ToolFact("ffmpeg", "ffprobe")]
    public async Task A_processing_job_that_keeps_dying_marks_the_video_failed_on_its_last_attempt()
    {
        var user = await app.CreateUserAsync();
        var id = Guid.Parse((await user.Client.UploadOkAsync(MediaSamples.BrokenMp4(), "again.mp4", "video/mp4")).GetProperty("id").GetString()!);
        await user.Client.WaitProcessedAsync(id.ToString());
        // Back to processing, and its job claimed once more after its node died on every attempt.
        await app.WithDbAsync(db => db.Set<MediaItem>().Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MediaStatus.Processing)));
        await app.WithDbAsync(db => db.Set<Job>().Where(j => j.Type == "media-video" && j.Payload!.Contains(id.ToString())).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, JobState.Running).SetProperty(j => j.Attempts, 3).SetProperty(j => j.LockedUntil, DateTime.UtcNow.AddMinutes(-1))));

        var media = await user.Client.WaitProcessedAsync(id.ToString());

        Assert.Equal("failed", media.GetProperty("status").GetString());
        Assert.Contains("3 attempts", media.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
    }

    [ToolFact("ffmpeg", "ffprobe")]
    public async Task Readiness_says_video_processing_is_available()
    {
        var health = await (await app.CreateClient().GetAsync("/health/ready")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.StartsWith("Video processing available", health.GetProperty("checks").GetProperty("video_processing").GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>A server where ffmpeg is missing.</summary>
public sealed class NoFfmpegApp : SpotlightApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Content:Media:FfmpegPath"] = "/nonexistent/ffmpeg",
        ["Content:Media:FfprobePath"] = "/nonexistent/ffprobe",
    };
}

/// <summary>Without ffmpeg the server runs, says so, and videos fail with that reason instead of waiting forever.</summary>
public sealed class NoFfmpegTests(NoFfmpegApp app) : IClassFixture<NoFfmpegApp>
{
    [Fact]
    public async Task Without_ffmpeg_the_server_is_ready_says_videos_cannot_be_processed_and_fails_them_with_the_reason()
    {
        var health = await (await app.CreateClient().GetAsync("/health/ready")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains("unavailable", health.GetProperty("checks").GetProperty("video_processing").GetProperty("description").GetString(), StringComparison.Ordinal);
        var user = await app.CreateUserAsync();

        var uploaded = await user.Client.UploadOkAsync(MediaSamples.BrokenMp4(), "clip.mp4", "video/mp4");
        var media = await user.Client.WaitProcessedAsync(uploaded.GetProperty("id").GetString()!);

        Assert.Equal("failed", media.GetProperty("status").GetString());
        Assert.Contains("ffmpeg is not installed", media.GetProperty("failureReason").GetString(), StringComparison.Ordinal);
        await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "photo.jpg", "image/jpeg"); // images do not need it
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        var page = await console.GetPageAsync("/admin/system");
        Assert.Contains("Video processing unavailable", page.Body!.TextContent, StringComparison.Ordinal);
    }
}
