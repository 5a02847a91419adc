using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Content.Media;

public static class MediaKind
{
    public const string Image = "image";
    public const string Video = "video";
}

public static class MediaStatus
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>
/// An uploaded photo or video. Its bytes live in the media store under server-made keys; the row says what they are (from
/// the bytes, never the name), whether processing finished, which post carries it and how it may be served.
/// </summary>
public sealed class MediaItem
{
    public Guid Id { get; set; }

    public Guid OwnerId { get; set; }

    /// <summary><see cref="MediaKind"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The type the stored bytes really are (after re-encoding, for images).</summary>
    public required string ContentType { get; set; }

    /// <summary>Bytes stored for it (the file plus its thumbnail), counted against the owner's quota.</summary>
    public long Size { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public int? DurationMs { get; set; }

    /// <summary><see cref="MediaStatus"/>.</summary>
    public string Status { get; set; } = MediaStatus.Processing;

    public string? FailureReason { get; set; }

    public required string StorageKey { get; set; }

    public string? ThumbnailKey { get; set; }

    public string? Blurhash { get; set; }

    /// <summary>The post that carries it; null while unattached (then only its owner sees it).</summary>
    public Guid? PostId { get; set; }

    public int Position { get; set; }

    /// <summary>How it is served while attached (<see cref="MediaExposure"/>); ignored while unattached.</summary>
    public MediaExposure Exposure { get; set; } = MediaExposure.Gated;

    public DateTime CreatedAt { get; set; }
}

internal sealed class MediaItemConfiguration : IEntityTypeConfiguration<MediaItem>
{
    public void Configure(EntityTypeBuilder<MediaItem> builder)
    {
        builder.ToTable("Media");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Kind).HasMaxLength(8);
        builder.Property(m => m.ContentType).HasMaxLength(64);
        builder.Property(m => m.Status).HasMaxLength(16);
        builder.Property(m => m.FailureReason).HasMaxLength(500);
        builder.Property(m => m.StorageKey).HasMaxLength(200);
        builder.Property(m => m.ThumbnailKey).HasMaxLength(200);
        builder.Property(m => m.Blurhash).HasMaxLength(100);
        builder.Property(m => m.Exposure).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(m => new { m.PostId, m.Position });
        builder.HasIndex(m => new { m.OwnerId, m.Id });
    }
}
