using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Jobs;
using Spotlight.Platform.Storage;

namespace Spotlight.Content.Media;

/// <summary>
/// <c>POST /media</c>'s use case. The file is read as a stream and stops at the limit of its kind; its type comes from its
/// bytes and must agree with what the client declared. An image is processed on the <see cref="ImageWorkers"/> and is
/// <c>ready</c> when this answers; a video is stored as it is, <c>processing</c>, and a job probes it
/// (<see cref="VideoProcessingJob"/>). Bytes are stored before the row, and the row commits with the quota reservation:
/// an upload over the quota is refused and its bytes removed, and every row has its bytes.
/// </summary>
internal sealed class UploadMedia(
    SpotlightDb db,
    IMediaStore store,
    StorageQuota quota,
    ImageWorkers images,
    JobQueue jobs,
    PostMedia shapes,
    IOptionsMonitor<MediaOptions> settings,
    DataDirectory dataDirectory,
    TimeProvider time)
{
    /// <summary>The stored medium, or the quota decision that refused it (answered with its figures).</summary>
    public sealed record Uploaded(MediaResponse? Media, QuotaDecision? QuotaRefused);

    private static readonly string Accepted = "JPEG, PNG, WebP and GIF images, MP4, QuickTime and WebM videos";

    public async Task<Outcome<Uploaded>> HandleAsync(
        Guid ownerId, string? tier, Stream content, string? declaredType, string? fileName, CancellationToken cancellationToken)
    {
        var options = settings.CurrentValue;
        var head = new byte[MediaSniffer.HeadLength];
        var headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (headLength == 0)
        {
            return Refusal.Invalid("file", "The file is empty.");
        }

        if (MediaSniffer.Identify(head.AsSpan(0, headLength)) is not { } type)
        {
            return Unsupported($"The file is not one of the accepted types ({Accepted}); the type is read from the bytes, not from the name or Content-Type.");
        }

        if (!type.Agrees(declaredType, fileName))
        {
            return Unsupported($"The bytes are {type.ContentType}, but the part says Content-Type '{declaredType}' and file name '{Path.GetFileName(fileName)}': both must agree with the content.");
        }

        var limit = type.Kind == MediaKind.Image ? options.MaxImageBytes : options.MaxVideoBytes;
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow().UtcDateTime;
        var name = $"{now.ToString("yyyy/MM", CultureInfo.InvariantCulture)}/{id:N}";
        var incoming = Directory.CreateDirectory(dataDirectory.Combine("media-incoming")).FullName;
        await using var buffer = type.Kind == MediaKind.Image
            ? new MemoryStream()
            : (Stream)new FileStream(Path.Combine(incoming, id.ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await buffer.WriteAsync(head.AsMemory(0, headLength), cancellationToken);
        if (!await CopyWithinAsync(content, buffer, limit, cancellationToken))
        {
            return new Refusal(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
                $"A {type.Kind} is at most {Size.Format(limit)}.");
        }

        var item = new MediaItem
        {
            Id = id, OwnerId = ownerId, Kind = type.Kind, ContentType = type.ContentType, StorageKey = "", CreatedAt = now,
        };
        var keys = new List<string>();
        try
        {
            if (type.Kind == MediaKind.Image)
            {
                var processed = await images.ProcessAsync(((MemoryStream)buffer).ToArray(), type, options, cancellationToken);
                if (processed.Refusal is { } refused)
                {
                    return refused;
                }

                var image = processed.Value!;
                keys.Add(item.StorageKey = await SaveAsync(name, image.Content, image.ContentType, cancellationToken));
                keys.Add(item.ThumbnailKey = await SaveAsync(name + ".thumb" + image.ThumbnailExtension, image.Thumbnail, MediaFiles.TypeOfThumbnail(image.ThumbnailExtension), cancellationToken));
                (item.ContentType, item.Width, item.Height, item.Blurhash, item.Status) = (image.ContentType, image.Width, image.Height, image.Blurhash, MediaStatus.Ready);
                item.Size = image.Content.Length + image.Thumbnail.Length;
            }
            else
            {
                if (VideoStructure(type, buffer) is { } malformed)
                {
                    return Unsupported(malformed);
                }

                buffer.Position = 0;
                keys.Add(item.StorageKey = await store.SaveAsync(name, buffer, type.ContentType, cancellationToken));
                item.Size = buffer.Length;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var decision = await quota.ReserveAsync(ownerId, tier, item.Size, cancellationToken);
            if (!decision.Allowed)
            {
                return new Uploaded(null, decision);
            }

            db.Add(item);
            if (type.Kind == MediaKind.Video)
            {
                var job = jobs.Enqueue(db, VideoProcessingJob.JobType, JsonSerializer.Serialize(new VideoProcessingJob.Payload(id)));
                job.MaxAttempts = options.VideoAttempts;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            keys.Clear(); // the row owns them now
        }
        finally
        {
            foreach (var key in keys)
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
        }

        if (type.Kind == MediaKind.Video)
        {
            jobs.Wake();
        }

        return new Uploaded(shapes.ToResponse(item), null);
    }

    private Task<string> SaveAsync(string name, byte[] bytes, string contentType, CancellationToken cancellationToken) =>
        store.SaveAsync(name, new MemoryStream(bytes, writable: false), contentType, cancellationToken);

    /// <summary>Copies until the end or until more than <paramref name="limit"/> bytes came, without reading further.</summary>
    private static async Task<bool> CopyWithinAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (target.Length + read > limit)
            {
                return false;
            }

            await target.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return true;
    }

    /// <summary>ISO media must be whole boxes; WebM (not walked) and both must not end in an archive.</summary>
    private static string? VideoStructure(MediaType type, Stream file)
    {
        if (type != MediaType.WebM && MediaSniffer.CheckIsoBoxes(file) is { } broken)
        {
            return broken;
        }

        var tail = new byte[(int)Math.Min(file.Length, 65_557)];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        return MediaSniffer.HasZipTrailer(tail) ? "The file carries an archive (a ZIP directory) beside the video: polyglot files are refused." : null;
    }

    private static Refusal Unsupported(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", detail);
}

/// <summary>Names and types of stored files.</summary>
public static class MediaFiles
{
    public static string TypeOfThumbnail(string? key) => Path.GetExtension(key ?? "") switch
    {
        ".webp" => "image/webp",
        ".png" => "image/png",
        _ => "image/jpeg",
    };
}
