using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Notifications;

/// <summary>The kinds of notification. <see cref="Notification.Type"/> is a string, so new kinds need no migration.</summary>
public static class NotificationTypes
{
    public const string Follow = "follow";
    public const string GiftReceived = "gift_received";
    public const string Message = "message";
    public const string PayoutStatus = "payout_status";
    public const string Subscription = "subscription";
    public const string LiveStarted = "live_started";
    public const string Moderation = "moderation";
    public const string ReportResolved = "report_resolved";

    // Content (issue 10): likes are aggregated per post, the rest are one per event.
    public const string PostLiked = "post_liked";
    public const string Comment = "comment";
    public const string CommentReply = "comment_reply";
    public const string Mention = "mention";
    public const string NewPost = "new_post";
    public const string PostUnlocked = "post_unlocked";
}

/// <summary>
/// Something a user should know about, kept until they read it (and for a while after). <see cref="DedupeKey"/> is unique
/// per user, so an event delivered twice (the outbox is at-least-once) notifies once.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Type { get; set; }

    /// <summary>Who caused it (the follower, the gift's sender), if someone did.</summary>
    public Guid? ActorId { get; set; }

    /// <summary>What it is about: a conversation, a gift's transaction, a payout.</summary>
    public Guid? SubjectId { get; set; }

    /// <summary>A small JSON object with the kind's own fields.</summary>
    public string? Data { get; set; }

    public required string DedupeKey { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.Property(n => n.Type).HasMaxLength(40);
        builder.Property(n => n.Data).HasMaxLength(4000);
        builder.Property(n => n.DedupeKey).HasMaxLength(200);
        builder.HasIndex(n => new { n.UserId, n.DedupeKey }).IsUnique();
        builder.HasIndex(n => new { n.UserId, n.Id });
        builder.HasIndex(n => new { n.UserId, n.ReadAt });
        builder.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
