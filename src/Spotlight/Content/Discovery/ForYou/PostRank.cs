using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Content.Discovery.ForYou;

/// <summary>
/// A post's stored for-you rank (<see cref="HotRank"/>), kept by the ranking's event handlers so the feed reads the
/// (Rank, PostId) index instead of scoring the posts table. Discovery's own table: the post row stays the posts part's.
/// </summary>
public sealed class PostRank
{
    public Guid PostId { get; set; }

    public Guid AuthorId { get; set; }

    /// <summary>The age part of the rank: seconds from <see cref="HotRank.Epoch"/> to the post's creation over the decay.</summary>
    public double Freshness { get; set; }

    /// <summary>Coins of gifts to the author credited to this post.</summary>
    public long GiftCoins { get; set; }

    /// <summary>Weighted engagement points.</summary>
    public double Score { get; set; }

    public double Rank { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A post the for-you feed served to a viewer, and when: it stays out of their feed for <see cref="ForYouOptions.SeenHours"/>.</summary>
public sealed class FeedImpression
{
    public Guid ViewerId { get; set; }

    public Guid PostId { get; set; }

    public DateTime ServedAt { get; set; }
}

/// <summary>A gift counted toward a post's rank: keyed by the gift's transaction so a redelivered event counts once.</summary>
public sealed class PostGiftCredit
{
    public Guid TransactionId { get; set; }

    public Guid PostId { get; set; }

    public long Coins { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class ForYouConfiguration : IEntityTypeConfiguration<PostRank>, IEntityTypeConfiguration<FeedImpression>, IEntityTypeConfiguration<PostGiftCredit>
{
    public void Configure(EntityTypeBuilder<PostRank> builder)
    {
        builder.ToTable("post_ranks");
        builder.HasKey(r => r.PostId);
        // The feed: highest rank first, the id breaking ties, read backwards as a keyset.
        builder.HasIndex(r => new { r.Rank, r.PostId });
    }

    public void Configure(EntityTypeBuilder<FeedImpression> builder)
    {
        builder.ToTable("feed_impressions");
        builder.HasKey(i => new { i.ViewerId, i.PostId });
        builder.HasIndex(i => i.ServedAt);
    }

    public void Configure(EntityTypeBuilder<PostGiftCredit> builder)
    {
        builder.ToTable("post_gift_credits");
        builder.HasKey(c => c.TransactionId);
        builder.HasIndex(c => c.CreatedAt);
    }
}
