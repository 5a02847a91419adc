namespace Spotlight.Content.Media;

/// <summary><c>Content:Media:*</c>: size limits, decoding guards, URL lifetimes, storage and the video tools.</summary>
public sealed class MediaOptions
{
    public const string Section = "Content:Media";

    /// <summary>Largest image upload (20 MiB).</summary>
    public long MaxImageBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest video upload (512 MiB); also the request body limit of <c>POST /media</c>.</summary>
    public long MaxVideoBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Decompression-bomb guard: images with more pixels than this (from the header) are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Decompression-bomb guard: images wider or taller than this are refused before decoding.</summary>
    public int MaxImageSide { get; set; } = 16384;

    /// <summary>Stored images are scaled down to fit this longest side (decoded at reduced scale, so a 12-MP JPEG stays cheap).</summary>
    public int MaxStoredSide { get; set; } = 2048;

    /// <summary>Longest side of thumbnails and video posters.</summary>
    public int ThumbnailSide { get; set; } = 320;

    /// <summary>JPEG and WebP quality of what is stored (1–100).</summary>
    public int Quality { get; set; } = 85;

    /// <summary>Image decoders running at once; 0 = one per processor.</summary>
    public int ImageWorkers { get; set; }

    /// <summary>How long a signed media URL stays valid.</summary>
    public int SignedUrlMinutes { get; set; } = 10;

    /// <summary><c>max-age</c> of a public post's media.</summary>
    public int PublicMaxAgeSeconds { get; set; } = 86400;

    /// <summary>Uploads no post took within this many minutes are deleted.</summary>
    public int UnattachedMinutes { get; set; } = 60;

    /// <summary><c>local</c> (under the data directory) or <c>s3</c>. Read per upload, so a change in the console applies to the next one.</summary>
    public string Storage { get; set; } = "local";

    public S3MediaOptions S3 { get; set; } = new();

    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Longest a single ffprobe or ffmpeg run may take before it is killed.</summary>
    public int VideoToolTimeoutSeconds { get; set; } = 120;

    /// <summary>Tries of a video's processing job before the video is marked failed.</summary>
    public int VideoAttempts { get; set; } = 3;

    public IEnumerable<string> Problems()
    {
        if (MaxImageBytes <= 0 || MaxVideoBytes <= 0)
        {
            yield return "MaxImageBytes and MaxVideoBytes must be positive.";
        }

        if (MaxImagePixels <= 0 || MaxImageSide <= 0 || MaxStoredSide <= 0 || ThumbnailSide <= 0)
        {
            yield return "MaxImagePixels, MaxImageSide, MaxStoredSide and ThumbnailSide must be positive.";
        }

        if (Quality is < 1 or > 100)
        {
            yield return "Quality must be from 1 to 100.";
        }

        if (SignedUrlMinutes <= 0 || PublicMaxAgeSeconds < 0 || UnattachedMinutes <= 0 || VideoToolTimeoutSeconds <= 0 || VideoAttempts <= 0 || ImageWorkers < 0)
        {
            yield return "SignedUrlMinutes, UnattachedMinutes, VideoToolTimeoutSeconds and VideoAttempts must be positive.";
        }

        if (!string.Equals(Storage, "local", StringComparison.OrdinalIgnoreCase) && !string.Equals(Storage, "s3", StringComparison.OrdinalIgnoreCase))
        {
            yield return "Storage must be 'local' or 's3'.";
        }
    }
}

/// <summary><c>Content:Media:S3:*</c>: any S3-compatible service (AWS, MinIO, Ceph, R2…).</summary>
public sealed class S3MediaOptions
{
    /// <summary>The service's URL, e.g. <c>https://s3.eu-west-1.amazonaws.com</c> or <c>http://minio:9000</c>; empty for AWS by region.</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most self-hosted services need.</summary>
    public bool ForcePathStyle { get; set; } = true;
}
