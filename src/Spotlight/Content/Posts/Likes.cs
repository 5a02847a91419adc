using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Content.Posts;

/// <summary>
/// <c>POST|DELETE /posts/{id}/like</c>, idempotent. The like row's primary key decides: the count moves (an atomic
/// <c>LikeCount = LikeCount ± 1</c> in the same transaction) only when a row was really inserted or deleted, so a hot
/// post's count stays exact under any number of concurrent likes and retries. Anyone who can see the post, locked or
/// whole, may like it (a locked post shows its author, media outlines and counts: liking says "I want this", which is
/// what a teaser is for); a post the caller may not see at all is 404.
/// </summary>
public sealed class Likes(SpotlightDb db, IPostEntitlement entitlement, DomainEvents events, TimeProvider time)
{
    public async Task<Refusal?> LikeAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var me = viewer.UserId!.Value;
        if (await VisiblePostAsync(viewer, postId, cancellationToken) is not { } post)
        {
            return ReadPost.NotFound;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "PostLikes" ("PostId", "UserId", "CreatedAt") VALUES ({postId}, {me}, {time.GetUtcNow().UtcDateTime})
            ON CONFLICT ("PostId", "UserId") DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            if (post.AuthorId != me)
            {
                events.Raise(db, new PostLiked(postId, post.AuthorId, me));
                await db.SaveChangesAsync(cancellationToken);
            }

            // Last before the commit: the post's row lock, which every like of a hot post queues on, is held for one round trip.
            await db.Set<Post>().Where(p => p.Id == postId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LikeCount, p => p.LikeCount + 1), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<Refusal?> UnlikeAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var me = viewer.UserId!.Value;
        if (await VisiblePostAsync(viewer, postId, cancellationToken) is null)
        {
            return ReadPost.NotFound;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await db.Set<PostLike>().Where(l => l.PostId == postId && l.UserId == me).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 1)
        {
            await db.Set<Post>().Where(p => p.Id == postId).ExecuteUpdateAsync(s => s.SetProperty(p => p.LikeCount, p => p.LikeCount - 1), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private async Task<Post?> VisiblePostAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, cancellationToken);
        if (post is null)
        {
            return null;
        }

        var access = await entitlement.DecideAsync(viewer, [post], cancellationToken);
        return access[post.Id] == PostAccess.None ? null : post;
    }
}
