using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SkiaSharp;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Jobs;

namespace Spotlight.Content.Media;

/// <summary>What one run of ffmpeg or ffprobe gave: its exit code, its output, and the start of its error output.</summary>
public sealed record ToolRun(int ExitCode, byte[] Output, string Errors);

/// <summary>
/// Debian's <c>ffprobe</c> and <c>ffmpeg</c>, run as child processes with a timeout (the whole process tree is killed when
/// it passes). Whether they are installed is probed once: without them the server runs, says so in <c>/health/ready</c> and
/// on the admin System page, and videos fail with that reason instead of waiting forever.
/// </summary>
public sealed class VideoTools(IOptionsMonitor<MediaOptions> options, ILogger<VideoTools> logger)
{
    private readonly Lazy<Task<string?>> _version = new(() => ProbeAsync(options.CurrentValue, logger));

    /// <summary>ffmpeg's version line when both tools run, null when video processing is unavailable.</summary>
    public Task<string?> VersionAsync() => _version.Value;

    public Task<ToolRun> ProbeAsync(string[] arguments, CancellationToken cancellationToken) =>
        RunAsync(options.CurrentValue.FfprobePath, arguments, TimeSpan.FromSeconds(options.CurrentValue.VideoToolTimeoutSeconds), cancellationToken);

    public Task<ToolRun> ConvertAsync(string[] arguments, CancellationToken cancellationToken) =>
        RunAsync(options.CurrentValue.FfmpegPath, arguments, TimeSpan.FromSeconds(options.CurrentValue.VideoToolTimeoutSeconds), cancellationToken);

    /// <summary>Runs a tool; throws <see cref="TimeoutException"/> when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ToolRun> RunAsync(string tool, string[] arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        process.StandardInput.Close();
        using var output = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(output, CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Path.GetFileName(tool)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        await reading;
        var text = await errors;
        return new ToolRun(process.ExitCode, output.ToArray(), text.Length > 400 ? text[..400] : text);
    }

    private static async Task<string?> ProbeAsync(MediaOptions options, ILogger logger)
    {
        try
        {
            var ffmpeg = await RunAsync(options.FfmpegPath, ["-version"], TimeSpan.FromSeconds(10), CancellationToken.None);
            var ffprobe = await RunAsync(options.FfprobePath, ["-version"], TimeSpan.FromSeconds(10), CancellationToken.None);
            if (ffmpeg.ExitCode == 0 && ffprobe.ExitCode == 0)
            {
                return Encoding.UTF8.GetString(ffmpeg.Output).Split('\n')[0].Trim();
            }
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning("Video processing is unavailable: {Tool} could not be run ({Error}). Install ffmpeg.", options.FfmpegPath, exception.Message);
        }

        return null;
    }
}

/// <summary>Ready whatever the answer (images and everything else work without ffmpeg); the detail says whether videos can be processed.</summary>
internal sealed class VideoProcessingHealthCheck(VideoTools tools) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await tools.VersionAsync() is { } version
            ? HealthCheckResult.Healthy($"Video processing available ({version}).")
            : HealthCheckResult.Healthy("Video processing unavailable: ffmpeg/ffprobe not found. Uploaded videos fail with that reason; install ffmpeg.");
}

/// <summary>
/// Probes an uploaded video (duration, width, height) and takes its poster frame (thumbnail and blurhash), then marks it
/// <c>ready</c>. A video the tools cannot read fails at once with their reason; a run that times out or errors is retried by
/// the job runner, and the last attempt (<see cref="MediaOptions.VideoAttempts"/>) marks it <c>failed</c> with the reason
/// instead of throwing, so no video stays <c>processing</c>. A run whose node died is claimed again after its lease, and one
/// claimed past its attempts fails at once; <see cref="MediaCleanupJob"/> fails anything left processing for an hour.
/// </summary>
internal sealed class VideoProcessingJob(
    SpotlightDb db, IMediaStore store, VideoTools tools, IOptionsMonitor<MediaOptions> settings, DataDirectory dataDirectory, ILogger<VideoProcessingJob> logger) : IJobHandler
{
    public const string JobType = "media-video";

    public sealed record Payload(Guid MediaId);

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var id = JsonSerializer.Deserialize<Payload>(run.Payload!)!.MediaId;
        var item = await db.Set<MediaItem>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (item is null || item.Status != MediaStatus.Processing)
        {
            return;
        }

        var options = settings.CurrentValue;
        if (run.Attempt > options.VideoAttempts)
        {
            await FailAsync(id, $"Processing did not finish after {options.VideoAttempts} attempts.");
            return;
        }

        if (await tools.VersionAsync() is null)
        {
            await FailAsync(id, "Video processing is unavailable on this server (ffmpeg is not installed).");
            return;
        }

        try
        {
            if (await ProcessAsync(item, options, cancellationToken) is { } reason)
            {
                await FailAsync(id, reason);
            }
        }
        catch (Exception exception) when (run.Attempt >= options.VideoAttempts && exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Video {MediaId} failed on its last attempt", id);
            await FailAsync(id, exception is TimeoutException ? exception.Message : "Processing failed: " + exception.GetType().Name + ".");
        }
    }

    /// <summary>Null when the video is ready; otherwise why it cannot be (a reason that retrying would not change).</summary>
    private async Task<string?> ProcessAsync(MediaItem item, MediaOptions options, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory.CreateDirectory(dataDirectory.Combine("media-incoming")).FullName, $"{item.Id:N}.probe");
        try
        {
            var blob = await store.OpenAsync(item.StorageKey, cancellationToken)
                ?? throw new FileNotFoundException("The video's bytes are not in the store (yet).");
            await using (blob.Content)
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await blob.Content.CopyToAsync(file, cancellationToken);
            }

            var probe = await tools.ProbeAsync(
                ["-v", "error", "-show_entries", "format=duration:stream=codec_type,width,height", "-of", "json", path], cancellationToken);
            if (probe.ExitCode != 0)
            {
                return "The video could not be read: " + FirstLine(probe.Errors, path);
            }

            var (duration, probedWidth, probedHeight) = ReadProbe(probe.Output);
            if (probedWidth <= 0 || probedHeight <= 0)
            {
                return "The file has no video stream.";
            }

            var at = duration is > 2 ? 1.0 : 0.0;
            var frame = await tools.ConvertAsync(
                ["-v", "error", "-ss", at.ToString(CultureInfo.InvariantCulture), "-i", path, "-frames:v", "1", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"],
                cancellationToken);
            if (frame.ExitCode != 0 || frame.Output.Length == 0)
            {
                return "No frame of the video could be decoded: " + FirstLine(frame.Errors, path);
            }

            using var poster = SKBitmap.Decode(frame.Output);
            if (poster is null)
            {
                return "No frame of the video could be decoded.";
            }

            // The decoded frame is upright (ffmpeg applies the rotation a phone records), so its size is the one to show.
            var size = ImageProcessor.Fit(poster.Width, poster.Height, options.ThumbnailSide);
            using var thumbnail = poster.Resize(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            using var encoded = thumbnail.Encode(SKEncodedImageFormat.Jpeg, 80);
            var thumbnailBytes = encoded.ToArray();
            var blurhash = ImageProcessor.BlurhashOf(thumbnail);
            var name = item.StorageKey[(item.StorageKey.IndexOf(':', StringComparison.Ordinal) + 1)..] + ".thumb.jpg";
            var thumbnailKey = await store.SaveAsync(name, new MemoryStream(thumbnailBytes, writable: false), "image/jpeg", cancellationToken);
            var durationMs = duration is { } seconds ? (int?)Math.Round(seconds * 1000) : null;
            var updated = await db.Set<MediaItem>().Where(m => m.Id == item.Id && m.Status == MediaStatus.Processing).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MediaStatus.Ready)
                .SetProperty(m => m.Width, poster.Width)
                .SetProperty(m => m.Height, poster.Height)
                .SetProperty(m => m.DurationMs, durationMs)
                .SetProperty(m => m.ThumbnailKey, thumbnailKey)
                .SetProperty(m => m.Blurhash, blurhash)
                .SetProperty(m => m.Size, m => m.Size + thumbnailBytes.Length), CancellationToken.None);
            if (updated == 0)
            {
                await store.DeleteAsync(thumbnailKey, CancellationToken.None); // deleted or failed meanwhile
            }

            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (double? Duration, int Width, int Height) ReadProbe(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        double? duration = document.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            && double.TryParse(d.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        if (document.RootElement.TryGetProperty("streams", out var streams))
        {
            foreach (var stream in streams.EnumerateArray())
            {
                if (stream.TryGetProperty("codec_type", out var kind) && kind.GetString() == "video"
                    && stream.TryGetProperty("width", out var w) && stream.TryGetProperty("height", out var h))
                {
                    return (duration, w.GetInt32(), h.GetInt32());
                }
            }
        }

        return (duration, 0, 0);
    }

    private static string FirstLine(string text, string path)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no detail";
        // ffmpeg names the file it read: the server's path is not the uploader's business.
        return line.Replace(path, "the upload", StringComparison.Ordinal);
    }

    private Task FailAsync(Guid id, string reason) =>
        db.Set<MediaItem>().Where(m => m.Id == id && m.Status == MediaStatus.Processing).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MediaStatus.Failed)
            .SetProperty(m => m.FailureReason, reason.Length > 500 ? reason[..500] : reason), CancellationToken.None);
}
