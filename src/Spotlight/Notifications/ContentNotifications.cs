using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Social;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Notifications;

/// <summary>
/// What Content's events tell people: likes (aggregated per post), comments to the post's author, replies to the
/// parent comment's author, mentions to each user mentioned, a new post to the author's subscribers, an unlock to the
/// author. Never to the one who acted, and never across a block (either way).
/// </summary>
public static class ContentNotifications
{
    public static IServiceCollection AddContentNotifications(this IServiceCollection services, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LikeAggregationHours < 1)
        {
            throw new InvalidOperationException("Notifications: LikeAggregationHours must be at least 1.");
        }

        services.AddEventHandler<PostLiked, PostLikeNotifier>();
        services.AddEventHandler<CommentAdded, CommentNotifier>();
        services.AddEventHandler<UsersMentioned, MentionNotifier>();
        services.AddEventHandler<PostPublished, NewPostNotifier>();
        // The author of a premium post hears of each sale, as of a gift.
        services.AddNotification<PostUnlocked>(e => new NotificationDraft(e.AuthorId, NotificationTypes.PostUnlocked, e.BuyerId, e.PostId,
            new { e.PostId, e.Amount, e.TransactionId }, $"post_unlocked:{e.TransactionId:N}"));
        return services;
    }
}

/// <summary>The fields of a <see cref="NotificationTypes.PostLiked"/> notification: "{actor} and {others} others liked your post".</summary>
public sealed record PostLikesData(Guid PostId, int Count, int Others, IReadOnlyList<Guid> RecentLikerIds);

/// <summary>
/// One notification per post while it is unread and recent (<see cref="NotificationOptions.LikeAggregationHours"/>):
/// each like updates it (the latest liker becomes the actor, the count grows) instead of adding one, so a post liked
/// 2,000 times notifies its author once. The update is conditional on what was read, so two deliveries at once both
/// count; a like whose fan is among the recent likers (a redelivery) is not counted twice.
/// </summary>
internal sealed class PostLikeNotifier(SpotlightDb db, IBlockList blocks, Notifier notifier, NotificationOptions options, TimeProvider time)
    : IDomainEventHandler<PostLiked>
{
    private const int RecentLikers = 5;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task HandleAsync(PostLiked liked, EventContext context, CancellationToken cancellationToken)
    {
        var (author, liker, post) = (liked.AuthorId, liked.LikerId, liked.PostId);
        if (liker == author || await blocks.IsBlockedAsync(liker, author, cancellationToken))
        {
            return;
        }

        var since = time.GetUtcNow().UtcDateTime.AddHours(-options.LikeAggregationHours);
        var ofThisPost = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == author && n.Type == NotificationTypes.PostLiked && n.SubjectId == post);
        // Optimistic: another delivery may change the same row between our read and our write; then read it again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var open = await ofThisPost.Where(n => n.ReadAt == null && n.CreatedAt >= since).OrderByDescending(n => n.Id).FirstOrDefaultAsync(cancellationToken);
            if (open is null)
            {
                // The key numbers this post's like notifications, so two deliveries starting one at once collide and the
                // loser adds to the winner's.
                var earlier = await ofThisPost.CountAsync(cancellationToken);
                var created = await notifier.NotifyAsync(new NotificationDraft(author, NotificationTypes.PostLiked, liker, post,
                    new PostLikesData(post, 1, 0, [liker]), $"post_liked:{post:N}:{earlier}"), cancellationToken);
                if (created is not null)
                {
                    return;
                }

                continue;
            }

            var data = open.Data is null ? null : JsonSerializer.Deserialize<PostLikesData>(open.Data, Json);
            if (data is null || data.RecentLikerIds.Contains(liker))
            {
                return;
            }

            var count = data.Count + 1;
            var next = JsonSerializer.Serialize(new PostLikesData(post, count, count - 1, [liker, .. data.RecentLikerIds.Take(RecentLikers - 1)]), Json);
            var updated = await db.Set<Notification>().Where(n => n.Id == open.Id && n.ReadAt == null && n.Data == open.Data)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Data, next).SetProperty(n => n.ActorId, liker), cancellationToken);
            if (updated == 1)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The like notification of post {post} kept changing; the outbox will deliver this like again.");
    }
}

/// <summary>A comment tells the post's author; a reply tells the author of the comment it answers.</summary>
internal sealed class CommentNotifier(IBlockList blocks, Notifier notifier) : IDomainEventHandler<CommentAdded>
{
    public async Task HandleAsync(CommentAdded added, EventContext context, CancellationToken cancellationToken)
    {
        var (recipient, type) = added.ParentId is not null && added.ParentAuthorId is { } parentAuthor
            ? (parentAuthor, NotificationTypes.CommentReply)
            : (added.PostAuthorId, NotificationTypes.Comment);
        if (recipient == added.CommenterId || await blocks.IsBlockedAsync(recipient, added.CommenterId, cancellationToken))
        {
            return;
        }

        await notifier.NotifyAsync(new NotificationDraft(recipient, type, added.CommenterId, added.CommentId,
            new { added.PostId, added.CommentId, added.ParentId }, $"{type}:{added.CommentId:N}"), cancellationToken);
    }
}

/// <summary>Each user <c>@mentioned</c> in a new post or comment is told once (not the author, not across a block).</summary>
internal sealed class MentionNotifier(IBlockList blocks, Notifier notifier) : IDomainEventHandler<UsersMentioned>
{
    public async Task HandleAsync(UsersMentioned mentioned, EventContext context, CancellationToken cancellationToken)
    {
        var candidates = mentioned.MentionedIds.Where(id => id != mentioned.AuthorId).Distinct().ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var blocked = await blocks.BlockedEitherWay(mentioned.AuthorId).Where(id => candidates.Contains(id)).ToListAsync(cancellationToken);
        var where = mentioned.CommentId is { } comment ? $"comment:{comment:N}" : $"post:{mentioned.PostId:N}";
        foreach (var user in candidates.Except(blocked))
        {
            await notifier.NotifyAsync(new NotificationDraft(user, NotificationTypes.Mention, mentioned.AuthorId, mentioned.CommentId ?? mentioned.PostId,
                new { mentioned.PostId, mentioned.CommentId }, $"mention:{where}"), cancellationToken);
        }
    }
}

/// <summary>
/// A new post tells everyone with access to one of the author's plans now (<see cref="ISubscriptionAccess"/>), page by
/// page; the key (one per post and subscriber) makes a redelivery, or the rest of a fan-out that was cut short, add
/// nothing twice.
/// </summary>
internal sealed class NewPostNotifier(ISubscriptionAccess subscriptions, IBlockList blocks, Notifier notifier) : IDomainEventHandler<PostPublished>
{
    public Task HandleAsync(PostPublished published, EventContext context, CancellationToken cancellationToken)
    {
        var author = published.AuthorId;
        var blocked = blocks.BlockedEitherWay(author);
        return notifier.NotifyEachAsync(subscriptions.SubscriberIds(author).Where(id => id != author && !blocked.Contains(id)),
            subscriber => new NotificationDraft(subscriber, NotificationTypes.NewPost, author, published.PostId,
                new { published.PostId, published.Visibility }, $"new_post:{published.PostId:N}"), cancellationToken);
    }
}
