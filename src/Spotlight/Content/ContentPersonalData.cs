using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Discovery.ForYou;
using Spotlight.Content.Media;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Identity.Account;

namespace Spotlight.Content;

/// <summary>
/// Content's share of a user's data: their posts (with the media files), comments, likes and unlocks. On deletion the posts
/// and comments are deleted the way their author deletes them (soft: the rows stay for reports and the ledger's references,
/// their text is blanked) and the counters of other people's posts follow; media rows and bytes go; likes go. Unlocks stay:
/// each is a purchase the ledger recorded, tied to the anonymized account.
/// </summary>
internal sealed class ContentPersonalData(SpotlightDb db, IMediaStore store) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["posts", "comments", "likes", "unlocks"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Post), nameof(Post.AuthorId)),
        new(typeof(Comment), nameof(Comment.AuthorId)),
        new(typeof(PostLike), nameof(PostLike.UserId)),
        new(typeof(PostUnlock), nameof(PostUnlock.BuyerId)),
        new(typeof(MediaItem), nameof(MediaItem.OwnerId)),
        new(typeof(PostRank), nameof(PostRank.AuthorId)),
        new(typeof(FeedImpression), nameof(FeedImpression.ViewerId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken)
    {
        var media = await db.Set<MediaItem>().AsNoTracking().Where(m => m.OwnerId == userId).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var files = new Dictionary<Guid, string>();
        foreach (var item in media.Where(m => m.Status == MediaStatus.Ready))
        {
            if (await store.OpenAsync(item.StorageKey, cancellationToken) is { } blob)
            {
                await using (blob.Content)
                {
                    var path = $"media/{item.Id:N}{Extension(item.ContentType)}";
                    await writer.WriteFileAsync(path, blob.Content, cancellationToken);
                    files[item.Id] = path;
                }
            }
        }

        var posts = await db.Set<Post>().AsNoTracking().Where(p => p.AuthorId == userId && p.DeletedAt == null).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        await writer.WriteAsync("posts", posts.Select(p => new
        {
            p.Id, p.Text, p.Visibility, p.Price, p.Pinned, p.CommentsClosed, p.LikeCount, p.CommentCount, p.UnlockCount, p.CreatedAt, p.EditedAt,
            p.ModerationStatus,
            media = media.Where(m => m.PostId == p.Id).OrderBy(m => m.Position)
                .Select(m => new { m.Id, m.Kind, m.ContentType, m.Width, m.Height, m.DurationMs, file = files.GetValueOrDefault(m.Id) }),
        }).ToList(), cancellationToken);
        await writer.WriteAsync("comments", await db.Set<Comment>().AsNoTracking().Where(c => c.AuthorId == userId && c.DeletedAt == null).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.PostId, c.ParentId, c.Text, c.CreatedAt, c.ModerationStatus }).ToListAsync(cancellationToken), cancellationToken);
        await writer.WriteAsync("likes", await db.Set<PostLike>().AsNoTracking().Where(l => l.UserId == userId).OrderBy(l => l.CreatedAt)
            .Select(l => new { l.PostId, l.CreatedAt }).ToListAsync(cancellationToken), cancellationToken);
        await writer.WriteAsync("unlocks", await db.Set<PostUnlock>().AsNoTracking().Where(u => u.BuyerId == userId).OrderBy(u => u.CreatedAt)
            .Select(u => new { u.PostId, u.Price, u.TransactionId, u.CreatedAt }).ToListAsync(cancellationToken), cancellationToken);
    }

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var now = erasure.Now;
        await EraseCommentsAsync(userId, now, cancellationToken);

        var liked = await db.Set<PostLike>().Where(l => l.UserId == userId).Select(l => l.PostId).ToListAsync(cancellationToken);
        await db.Set<Post>().Where(p => liked.Contains(p.Id) && p.LikeCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LikeCount, p => p.LikeCount - 1), cancellationToken);
        await db.Set<PostLike>().Where(l => l.UserId == userId).ExecuteDeleteAsync(cancellationToken);

        var posts = db.Set<Post>().Where(p => p.AuthorId == userId);
        await db.Set<PostHashtag>().Where(h => posts.Any(p => p.Id == h.PostId)).ExecuteDeleteAsync(cancellationToken);
        await posts.ExecuteUpdateAsync(s => s
            .SetProperty(p => p.Text, "")
            .SetProperty(p => p.Pinned, false)
            .SetProperty(p => p.PinnedAt, (DateTime?)null)
            .SetProperty(p => p.DeletedAt, p => p.DeletedAt ?? now), cancellationToken);
        await db.Set<PostRank>().Where(r => r.AuthorId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<FeedImpression>().Where(i => i.ViewerId == userId).ExecuteDeleteAsync(cancellationToken);

        var keys = await db.Set<MediaItem>().Where(m => m.OwnerId == userId).Select(m => new { m.StorageKey, m.ThumbnailKey }).ToListAsync(cancellationToken);
        await db.Set<MediaItem>().Where(m => m.OwnerId == userId).ExecuteDeleteAsync(cancellationToken);
        erasure.AfterCommit(async token =>
        {
            foreach (var key in keys.SelectMany(k => new[] { k.StorageKey, k.ThumbnailKey }).OfType<string>())
            {
                await store.DeleteAsync(key, token);
            }
        });
    }

    /// <summary>
    /// The user's comments go as their author's delete does: with a top-level comment go its replies; the post's
    /// <see cref="Post.CommentCount"/> and the parents' <see cref="Comment.ReplyCount"/> lose what was shown.
    /// </summary>
    private async Task EraseCommentsAsync(Guid userId, DateTime now, CancellationToken cancellationToken)
    {
        var shown = await db.Set<Comment>().AsNoTracking()
            .Where(c => c.DeletedAt == null && c.ModerationStatus == null
                && (c.AuthorId == userId || db.Set<Comment>().Any(p => p.Id == c.ParentId && p.AuthorId == userId)))
            .Select(c => new { c.Id, c.PostId, c.ParentId }).ToListAsync(cancellationToken);
        var going = shown.Select(c => c.Id).ToHashSet();
        foreach (var post in shown.GroupBy(c => c.PostId))
        {
            var count = post.Count();
            await db.Set<Post>().Where(p => p.Id == post.Key)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentCount, p => p.CommentCount > count ? p.CommentCount - count : 0), cancellationToken);
        }

        foreach (var parent in shown.Where(c => c.ParentId is { } parent && !going.Contains(parent)).GroupBy(c => c.ParentId!.Value))
        {
            var count = parent.Count();
            await db.Set<Comment>().Where(c => c.Id == parent.Key)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplyCount, c => c.ReplyCount > count ? c.ReplyCount - count : 0), cancellationToken);
        }

        var ids = going.ToList();
        await db.Set<Comment>().Where(c => ids.Contains(c.Id) && c.AuthorId != userId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, now), cancellationToken);
        await db.Set<Comment>().Where(c => c.AuthorId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Text, "").SetProperty(c => c.DeletedAt, c => c.DeletedAt ?? now), cancellationToken);
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "image/gif" => ".gif",
        "video/mp4" => ".mp4",
        "video/webm" => ".webm",
        "video/quicktime" => ".mov",
        _ => "",
    };
}
