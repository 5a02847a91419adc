using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Content.Posts;

/// <summary>Who may see a post whole (API.md, Content): everyone else gets it locked.</summary>
public static class Visibility
{
    public const string Public = "public";
    public const string Followers = "followers";
    public const string Subscribers = "subscribers";
    public const string Premium = "premium";
    public static readonly string[] All = [Public, Followers, Subscribers, Premium];
}

/// <summary>A moderator's decision on a post or comment: hidden or removed content is 404 to everyone but its author and staff.</summary>
public static class ModerationStatus
{
    public const string Hidden = "hidden";
    public const string Removed = "removed";
}

/// <summary>
/// A creator's post. Counters (likes, comments, unlocks) are kept on the row with atomic increments so lists never count;
/// ids are UUID v7, so ordering by id is ordering by creation and feeds page on the id.
/// </summary>
public sealed class Post
{
    public const int MaxTextLength = 5000;
    public const int MaxMedia = 10;
    public const int MaxPinned = 3;

    public Guid Id { get; set; }

    public Guid AuthorId { get; set; }

    public string Text { get; set; } = "";

    public string Visibility { get; set; } = Posts.Visibility.Public;

    /// <summary>Coins, for <see cref="Posts.Visibility.Premium"/> only. A change does not affect past buyers.</summary>
    public long? Price { get; set; }

    public bool Pinned { get; set; }

    public DateTime? PinnedAt { get; set; }

    public bool CommentsClosed { get; set; }

    public int LikeCount { get; set; }

    public int CommentCount { get; set; }

    public int UnlockCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EditedAt { get; set; }

    /// <summary>Soft delete: the row stays (for reports and the ledger's references), the post is 404 and its media go.</summary>
    public DateTime? DeletedAt { get; set; }

    /// <summary>Null, <see cref="Posts.ModerationStatus.Hidden"/> or <see cref="Posts.ModerationStatus.Removed"/>.</summary>
    public string? ModerationStatus { get; set; }

    public string? ModerationReason { get; set; }
}

/// <summary>A plan that opens a <see cref="Posts.Visibility.Subscribers"/> post (none listed: any plan of the author).</summary>
public sealed class PostPlan
{
    public Guid PostId { get; set; }

    public Guid PlanId { get; set; }
}

/// <summary>A <c>#hashtag</c> in a post's text, lower-cased without the <c>#</c>; rewritten when the text is edited.</summary>
public sealed class PostHashtag
{
    public Guid PostId { get; set; }

    public required string Tag { get; set; }
}

/// <summary>A buyer's unlock of a premium post: at most one per buyer and post (the primary key), whatever the retries.</summary>
public sealed class PostUnlock
{
    public Guid PostId { get; set; }

    public Guid BuyerId { get; set; }

    /// <summary>The ledger transaction that paid for it.</summary>
    public Guid TransactionId { get; set; }

    /// <summary>What was paid: the post's price at that moment.</summary>
    public long Price { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> builder)
    {
        builder.ToTable("Posts");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Text).HasMaxLength(Post.MaxTextLength);
        builder.Property(p => p.Visibility).HasMaxLength(16);
        builder.Property(p => p.ModerationStatus).HasMaxLength(16);
        builder.Property(p => p.ModerationReason).HasMaxLength(500);
        // A profile's posts and the following feed: one range scan per author, newest first.
        builder.HasIndex(p => new { p.AuthorId, p.Id });
        // The following feed: only what anyone may be shown, so PostgreSQL answers "newest ids per author" from the index alone.
        builder.HasIndex(p => new { p.AuthorId, p.Id }, "IX_Posts_Feed").HasFilter("\"DeletedAt\" IS NULL AND \"ModerationStatus\" IS NULL");
    }
}

internal sealed class PostPlanConfiguration : IEntityTypeConfiguration<PostPlan>
{
    public void Configure(EntityTypeBuilder<PostPlan> builder)
    {
        builder.ToTable("PostPlans");
        builder.HasKey(p => new { p.PostId, p.PlanId });
    }
}

internal sealed class PostHashtagConfiguration : IEntityTypeConfiguration<PostHashtag>
{
    public void Configure(EntityTypeBuilder<PostHashtag> builder)
    {
        builder.ToTable("PostHashtags");
        builder.HasKey(h => new { h.PostId, h.Tag });
        builder.Property(h => h.Tag).HasMaxLength(100);
        // A hashtag page: newest first by post id.
        builder.HasIndex(h => new { h.Tag, h.PostId });
    }
}

internal sealed class PostUnlockConfiguration : IEntityTypeConfiguration<PostUnlock>
{
    public void Configure(EntityTypeBuilder<PostUnlock> builder)
    {
        builder.ToTable("PostUnlocks");
        builder.HasKey(u => new { u.PostId, u.BuyerId });
        builder.HasIndex(u => u.BuyerId);
    }
}
