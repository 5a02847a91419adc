using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Media;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Content.Posts;

/// <summary>
/// <c>PATCH /posts/{id}</c>: only the fields sent change. <c>planIds</c> replaces the list; leaving subscribers drops the
/// plans and leaving premium drops the price (past buyers keep their unlock either way).
/// </summary>
public sealed record EditPostRequest(string? Text, string? Visibility, Guid[]? PlanIds, long? Price, bool? Pinned, bool? CommentsClosed);

/// <summary>The author's edits and deletions; staff may delete too. Anyone else gets 404, as if the post did not exist.</summary>
public sealed class ChangePost(
    SpotlightDb db, IPostMedia media, IUserDirectory users, ISubscriptionAccess subscriptions, IPostReader reader, IOptions<DatabaseOptions> database,
    TimeProvider time)
{
    public async Task<Outcome<PostResponse>> EditAsync(Viewer viewer, Guid postId, EditPostRequest request, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().SingleOrDefaultAsync(p => p.Id == postId && p.AuthorId == viewer.UserId && p.DeletedAt == null, cancellationToken);
        if (post is null)
        {
            return ReadPost.NotFound;
        }

        var visibility = request.Visibility ?? post.Visibility;
        var currentPlans = await db.Set<PostPlan>().Where(pp => pp.PostId == postId).ToListAsync(cancellationToken);
        // What the post will be: a visibility change without plans or price keeps those that still apply.
        var plans = request.PlanIds ?? (visibility == Visibility.Subscribers ? currentPlans.Select(pp => pp.PlanId).ToArray() : []);
        var price = request.Price ?? (visibility == Visibility.Premium ? post.Price : null);
        var checks = PostRules.Check(request.Text, request.Visibility, requireVisibility: false, mediaIds: []);
        if (!checks.Any)
        {
            PostRules.CheckGate(checks, visibility, plans, price);
        }

        if (checks.Any)
        {
            return checks.ToRefusal();
        }

        var gateChanged = visibility != post.Visibility || request.PlanIds is not null || request.Price is not null;
        if (gateChanged && await PostRules.CheckSellerAsync(users, subscriptions, post.AuthorId, visibility, request.PlanIds ?? [], cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (request.Pinned is { } pinned && pinned != post.Pinned)
        {
            if (pinned && database.Value.IsPostgres)
            {
                // Two pins at once must not both see two pinned posts: locking the pinned rows makes the second wait and
                // count again after the first commits. (SQLite's transactions already hold its one write lock.)
                await db.Database.ExecuteSqlAsync(
                    $"SELECT 1 FROM \"Posts\" WHERE \"AuthorId\" = {post.AuthorId} AND \"Pinned\" FOR UPDATE", cancellationToken);
            }

            if (pinned && await db.Set<Post>().CountAsync(p => p.AuthorId == post.AuthorId && p.Pinned && p.DeletedAt == null, cancellationToken) >= Post.MaxPinned)
            {
                return Refusal.Conflict("pin_limit_reached", $"At most {Post.MaxPinned} posts can be pinned; unpin one first.");
            }

            post.Pinned = pinned;
            post.PinnedAt = pinned ? now : null;
        }

        if (request.Text is { } text && text != post.Text)
        {
            post.Text = text;
            post.EditedAt = now;
            await db.Set<PostHashtag>().Where(h => h.PostId == postId).ExecuteDeleteAsync(cancellationToken);
            db.AddRange(PostText.Hashtags(text).Select(tag => new PostHashtag { PostId = postId, Tag = tag }));
        }

        if (request.CommentsClosed is { } closed)
        {
            post.CommentsClosed = closed;
        }

        var exposureChanged = (visibility == Visibility.Public) != (post.Visibility == Visibility.Public);
        post.Visibility = visibility;
        post.Price = visibility == Visibility.Premium ? price : null;
        var keptPlans = visibility == Visibility.Subscribers ? plans : [];
        db.RemoveRange(currentPlans.Where(pp => !keptPlans.Contains(pp.PlanId)));
        db.AddRange(keptPlans.Where(id => currentPlans.All(pp => pp.PlanId != id)).Select(id => new PostPlan { PostId = postId, PlanId = id }));
        await db.SaveChangesAsync(cancellationToken);
        // A moderated post's media stay withheld whatever its visibility; a restore exposes them as the post then is.
        if (exposureChanged && post.ModerationStatus is null)
        {
            await media.ExposeAsync(postId, PostRules.ExposureOf(visibility), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (await reader.ShapeAsync(viewer, [post], cancellationToken))[0];
    }

    /// <summary>Soft delete by the author or staff: the post is 404 everywhere at once and its media stop being served.</summary>
    public async Task<Refusal?> DeleteAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().SingleOrDefaultAsync(p => p.Id == postId && p.DeletedAt == null, cancellationToken);
        if (post is null || (post.AuthorId != viewer.UserId && !viewer.IsStaff))
        {
            return ReadPost.NotFound;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        post.DeletedAt = time.GetUtcNow().UtcDateTime;
        post.Pinned = false;
        post.PinnedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        await media.ExposeAsync(postId, MediaExposure.Deleted, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
