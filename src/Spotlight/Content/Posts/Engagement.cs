using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Content.Posts;

/// <summary>A user's like of a post: one per user and post (the primary key), so a repeated like changes nothing.</summary>
public sealed class PostLike
{
    public Guid PostId { get; set; }

    public Guid UserId { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// A comment on a post, or a reply to one (<see cref="ParentId"/>: one level only). Deletion is soft so reports keep their
/// target; a deleted or moderated comment leaves every list and the post's <see cref="Post.CommentCount"/>.
/// </summary>
public sealed class Comment
{
    public const int MaxTextLength = 2000;

    public Guid Id { get; set; }

    public Guid PostId { get; set; }

    public Guid AuthorId { get; set; }

    /// <summary>The top-level comment this replies to; null for a top-level comment.</summary>
    public Guid? ParentId { get; set; }

    public string Text { get; set; } = "";

    /// <summary>Replies that count (not deleted, not moderated): kept on the row like the post's counters.</summary>
    public int ReplyCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DeletedAt { get; set; }

    /// <summary>Null, <see cref="Posts.ModerationStatus.Hidden"/> or <see cref="Posts.ModerationStatus.Removed"/>.</summary>
    public string? ModerationStatus { get; set; }

    public string? ModerationReason { get; set; }

    /// <summary>Counted on the post and listed: neither deleted nor moderated.</summary>
    public bool IsShown => DeletedAt is null && ModerationStatus is null;
}

internal sealed class PostLikeConfiguration : IEntityTypeConfiguration<PostLike>
{
    public void Configure(EntityTypeBuilder<PostLike> builder)
    {
        builder.ToTable("PostLikes");
        builder.HasKey(l => new { l.PostId, l.UserId });
        // likedByMe for a page and a user's likes (export): by user.
        builder.HasIndex(l => new { l.UserId, l.PostId });
    }
}

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> builder)
    {
        builder.ToTable("Comments");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Text).HasMaxLength(Comment.MaxTextLength);
        builder.Property(c => c.ModerationStatus).HasMaxLength(16);
        builder.Property(c => c.ModerationReason).HasMaxLength(500);
        // A post's top-level comments and a comment's replies, newest first by id.
        builder.HasIndex(c => new { c.PostId, c.ParentId, c.Id });
        builder.HasIndex(c => new { c.AuthorId, c.Id });
    }
}
