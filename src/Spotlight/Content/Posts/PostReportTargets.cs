using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Media;
using Spotlight.Data;
using Spotlight.Moderation;

namespace Spotlight.Content.Posts;

/// <summary>
/// Posts as moderation sees them. A reporter finds a post only through the entitlement (what they may see at all; the
/// text only when they see it whole); staff see it whole. A decision sets the post's moderation status, which every read
/// path honours, and withholds its media (or exposes them again as the post's visibility says on a restore).
/// </summary>
internal sealed class PostReportTarget(SpotlightDb db, IPostEntitlement entitlement, IPostMedia media) : IReportTarget
{
    public string Type => ReportTargetTypes.Post;

    public async Task<ReportTargetSnapshot?> FindAsync(Guid targetId, Guid? viewerId, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == targetId, cancellationToken);
        if (post is null)
        {
            return null;
        }

        var viewer = viewerId is null ? new Viewer(null, IsStaff: true) : new Viewer(viewerId, false);
        var access = (await entitlement.DecideAsync(viewer, [post], cancellationToken))[post.Id];
        if (access == PostAccess.None)
        {
            return null;
        }

        var urls = access == PostAccess.Whole
            ? ((await media.OfPostsAsync([post.Id], cancellationToken)).GetValueOrDefault(post.Id) ?? []).Select(m => m.Url).OfType<string>().ToList()
            : [];
        return new ReportTargetSnapshot(Type, post.Id, post.AuthorId, access == PostAccess.Whole ? post.Text : "", urls);
    }

    public async Task<bool> ApplyAsync(Guid targetId, ContentDecision decision, string reason, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().SingleOrDefaultAsync(p => p.Id == targetId && p.DeletedAt == null, cancellationToken);
        if (post is null)
        {
            return false;
        }

        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        (post.ModerationStatus, post.ModerationReason) = decision switch
        {
            ContentDecision.Hide => (ModerationStatus.Hidden, reason),
            ContentDecision.Remove => (ModerationStatus.Removed, reason),
            _ => ((string?)null, (string?)null),
        };
        await db.SaveChangesAsync(cancellationToken);
        await media.ExposeAsync(post.Id, decision == ContentDecision.Restore ? PostRules.ExposureOf(post.Visibility) : MediaExposure.Withheld, cancellationToken);
        if (ownTransaction is not null)
        {
            await ownTransaction.CommitAsync(cancellationToken);
            await ownTransaction.DisposeAsync();
        }

        return true;
    }
}

/// <summary>
/// Comments as moderation sees them: a reporter must see the comment (its post whole, the comment shown to them). A hide
/// or remove takes it out of lists and out of the post's count; a restore puts it back. Transitions are conditional
/// updates, so a repeated decision never counts twice.
/// </summary>
internal sealed class CommentReportTarget(SpotlightDb db, Comments comments) : IReportTarget
{
    public string Type => ReportTargetTypes.Comment;

    public async Task<ReportTargetSnapshot?> FindAsync(Guid targetId, Guid? viewerId, CancellationToken cancellationToken)
    {
        var comment = await db.Set<Comment>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == targetId && c.DeletedAt == null, cancellationToken);
        if (comment is null)
        {
            return null;
        }

        var viewer = viewerId is null ? new Viewer(null, IsStaff: true) : new Viewer(viewerId, false);
        if (comment.ModerationStatus is not null && !viewer.IsStaff && comment.AuthorId != viewerId)
        {
            return null;
        }

        var (post, _) = await comments.WholePostAsync(viewer, comment.PostId, cancellationToken);
        return post is null ? null : new ReportTargetSnapshot(Type, comment.Id, comment.AuthorId, comment.Text, []);
    }

    public async Task<bool> ApplyAsync(Guid targetId, ContentDecision decision, string reason, CancellationToken cancellationToken)
    {
        var comment = await db.Set<Comment>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == targetId && c.DeletedAt == null, cancellationToken);
        if (comment is null)
        {
            return false;
        }

        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var one = db.Set<Comment>().Where(c => c.Id == targetId && c.DeletedAt == null);
        int delta;
        if (decision == ContentDecision.Restore)
        {
            delta = await one.Where(c => c.ModerationStatus != null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ModerationStatus, (string?)null).SetProperty(c => c.ModerationReason, (string?)null), cancellationToken);
        }
        else
        {
            var status = decision == ContentDecision.Hide ? ModerationStatus.Hidden : ModerationStatus.Removed;
            delta = -await one.Where(c => c.ModerationStatus == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ModerationStatus, status).SetProperty(c => c.ModerationReason, reason), cancellationToken);
            // Already moderated: the new status and reason replace the old, counts stay.
            await one.ExecuteUpdateAsync(s => s.SetProperty(c => c.ModerationStatus, status).SetProperty(c => c.ModerationReason, reason), cancellationToken);
        }

        if (delta != 0)
        {
            await db.Set<Post>().Where(p => p.Id == comment.PostId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentCount, p => p.CommentCount + delta), cancellationToken);
            if (comment.ParentId is { } parentId)
            {
                await db.Set<Comment>().Where(c => c.Id == parentId)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplyCount, c => c.ReplyCount + delta), cancellationToken);
            }
        }

        if (ownTransaction is not null)
        {
            await ownTransaction.CommitAsync(cancellationToken);
            await ownTransaction.DisposeAsync();
        }

        return true;
    }
}
