using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Posts;

/// <summary><c>POST /posts/{id}/comments</c>: <c>parentId</c> answers a top-level comment (one level of replies).</summary>
public sealed record AddCommentRequest(string? Text, Guid? ParentId);

/// <summary>API.md's <c>Comment</c>. <see cref="Moderation"/> only for the comment's author and staff.</summary>
public sealed record CommentResponse(
    Guid Id, Guid PostId, AuthorCard Author, string Text, Guid? ParentId, int ReplyCount, DateTime CreatedAt, ModerationNote? Moderation = null);

/// <summary>
/// Comments and replies. Reading and writing them takes the post whole (<see cref="IPostEntitlement"/>): on a gated post a
/// viewer who only gets the locked shape may neither read nor add comments (403 <c>post_locked</c>), one who may not see
/// it at all gets 404. <see cref="Post.CommentCount"/> counts the shown comments and replies (not deleted, not moderated);
/// it moves by atomic increments in the transaction that changes a comment.
/// </summary>
public sealed class Comments(
    SpotlightDb db, IPostEntitlement entitlement, IUserDirectory users, IBlockList blocks, DomainEvents events, TimeProvider time)
{
    public static readonly Refusal NotFound = Refusal.NotFound("No comment you may see has this id.");

    private static readonly Refusal Locked = Refusal.Forbidden("post_locked", "Comments of this post are for those who may see it whole.");

    /// <summary>A post's top-level comments, or with <paramref name="parentId"/> one comment's replies; newest first.</summary>
    public async Task<Outcome<Page<CommentResponse>>> ListAsync(Viewer viewer, Guid postId, Guid? parentId, PageRequest page, CancellationToken cancellationToken)
    {
        var (post, refusal) = await WholePostAsync(viewer, postId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var query = Shown(viewer).Where(c => c.PostId == post!.Id && c.ParentId == parentId);
        if (page.After is { } after)
        {
            query = query.Where(c => c.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var served = rows.Take(page.Limit).ToList();
        return new Page<CommentResponse>(await ShapeAsync(viewer, served, cancellationToken),
            rows.Count > page.Limit ? PageRequest.EncodeCursor(served[^1].Id) : null);
    }

    public async Task<Outcome<CommentResponse>> AddAsync(Viewer viewer, Guid postId, AddCommentRequest request, CancellationToken cancellationToken)
    {
        var me = viewer.UserId!.Value;
        var checks = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            checks.Add("text", "A comment needs text.");
        }
        else if (request.Text.Length > Comment.MaxTextLength)
        {
            checks.Add("text", $"At most {Comment.MaxTextLength} characters.");
        }
        else if (!PostText.IsStorable(request.Text))
        {
            checks.Add("text", "The text contains control characters or malformed Unicode.");
        }

        if (checks.Any)
        {
            return checks.ToRefusal();
        }

        var (post, refusal) = await WholePostAsync(viewer, postId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        // The author may still speak under a post whose comments they closed.
        if (post!.CommentsClosed && post.AuthorId != me)
        {
            return Refusal.Forbidden("comments_closed", "The author closed the comments of this post.");
        }

        Comment? parent = null;
        if (request.ParentId is { } parentId)
        {
            parent = await db.Set<Comment>().AsNoTracking()
                .SingleOrDefaultAsync(c => c.Id == parentId && c.PostId == postId && c.DeletedAt == null && c.ModerationStatus == null, cancellationToken);
            if (parent is null)
            {
                return Refusal.Invalid("parentId", "Reply to a comment of this post.");
            }

            if (parent.ParentId is not null)
            {
                return Refusal.Invalid("parentId", "Replies go one level deep: answer the top-level comment instead.");
            }
        }

        var comment = new Comment
        {
            Id = Guid.CreateVersion7(), PostId = postId, AuthorId = me, ParentId = parent?.Id, Text = request.Text!, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Add(comment);
        await db.SaveChangesAsync(cancellationToken);
        await db.Set<Post>().Where(p => p.Id == postId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentCount, p => p.CommentCount + 1), cancellationToken);
        if (parent is not null)
        {
            await db.Set<Comment>().Where(c => c.Id == parent.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplyCount, c => c.ReplyCount + 1), cancellationToken);
        }

        events.Raise(db, new CommentAdded(comment.Id, postId, post.AuthorId, me, parent?.Id, parent?.AuthorId));
        if (await CreatePost.MentionedAsync(users, blocks, me, comment.Text, cancellationToken) is { Count: > 0 } mentioned)
        {
            events.Raise(db, new UsersMentioned(postId, comment.Id, me, mentioned));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await ShapeAsync(viewer, [comment], cancellationToken))[0];
    }

    /// <summary>By the comment's author, the post's owner or staff; anyone else gets 404. A top-level comment takes its replies with it.</summary>
    public async Task<Refusal?> DeleteAsync(Viewer viewer, Guid commentId, CancellationToken cancellationToken)
    {
        var comment = await db.Set<Comment>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == commentId && c.DeletedAt == null, cancellationToken);
        if (comment is null)
        {
            return NotFound;
        }

        var postAuthor = await db.Set<Post>().Where(p => p.Id == comment.PostId).Select(p => p.AuthorId).SingleAsync(cancellationToken);
        if (comment.AuthorId != viewer.UserId && postAuthor != viewer.UserId && !viewer.IsStaff)
        {
            return NotFound;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Counted = shown before this deletion; the conditional updates make a concurrent second delete count nothing.
        var counted = await db.Set<Comment>().Where(c => c.Id == commentId && c.DeletedAt == null && c.ModerationStatus == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, now), cancellationToken);
        var gone = counted + await db.Set<Comment>().Where(c => c.Id == commentId && c.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, now), cancellationToken);
        if (gone == 0)
        {
            return NotFound;
        }

        if (comment.ParentId is null)
        {
            counted += await db.Set<Comment>().Where(c => c.ParentId == commentId && c.DeletedAt == null && c.ModerationStatus == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, now), cancellationToken);
            await db.Set<Comment>().Where(c => c.ParentId == commentId && c.DeletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, now), cancellationToken);
        }
        else if (counted == 1)
        {
            await db.Set<Comment>().Where(c => c.Id == comment.ParentId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReplyCount, c => c.ReplyCount - 1), cancellationToken);
        }

        if (counted > 0)
        {
            await db.Set<Post>().Where(p => p.Id == comment.PostId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.CommentCount, p => p.CommentCount - counted), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>The post when the viewer may see it whole; else 404 (not at all) or 403 <c>post_locked</c> (locked shape only).</summary>
    internal async Task<(Post? Post, Refusal? Refusal)> WholePostAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, cancellationToken);
        if (post is null)
        {
            return (null, ReadPost.NotFound);
        }

        return (await entitlement.DecideAsync(viewer, [post], cancellationToken))[post.Id] switch
        {
            PostAccess.Whole => (post, null),
            PostAccess.Locked => (null, Locked),
            _ => (null, ReadPost.NotFound),
        };
    }

    /// <summary>Comments a viewer is shown: not deleted; moderated only to their author and staff; none by banned or blocked users.</summary>
    private IQueryable<Comment> Shown(Viewer viewer)
    {
        var active = users.ActiveUserIds();
        var comments = db.Set<Comment>().AsNoTracking()
            .Where(c => c.DeletedAt == null && (c.ModerationStatus == null || viewer.IsStaff || c.AuthorId == viewer.UserId));
        if (viewer.IsStaff)
        {
            return comments;
        }

        comments = comments.Where(c => active.Contains(c.AuthorId));
        if (viewer.UserId is { } me)
        {
            var blocked = blocks.BlockedEitherWay(me);
            comments = comments.Where(c => !blocked.Contains(c.AuthorId));
        }

        return comments;
    }

    private async Task<IReadOnlyList<CommentResponse>> ShapeAsync(Viewer viewer, IReadOnlyList<Comment> comments, CancellationToken cancellationToken)
    {
        var authors = await users.FactsAsync(comments.Select(c => c.AuthorId).Distinct().ToList(), cancellationToken);
        return comments.Select(c =>
        {
            var author = authors.TryGetValue(c.AuthorId, out var f) ? new AuthorCard(f.Id, f.Handle, f.DisplayName, f.AvatarUrl) : new AuthorCard(c.AuthorId, "", null, null);
            var note = c.ModerationStatus is { } status && (viewer.IsStaff || c.AuthorId == viewer.UserId) ? new ModerationNote(status, c.ModerationReason) : null;
            return new CommentResponse(c.Id, c.PostId, author, c.Text, c.ParentId, c.ReplyCount, c.CreatedAt, note);
        }).ToList();
    }
}
