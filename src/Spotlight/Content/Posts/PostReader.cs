using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Media;
using Spotlight.Data;
using Spotlight.Identity.Users;

namespace Spotlight.Content.Posts;

/// <summary>
/// <see cref="IPostReader"/>: decides access for the whole page at once, drops what the viewer may not see, and shapes the
/// rest in a fixed number of queries (authors, media, plans, the viewer's likes), whatever the page size.
/// </summary>
internal sealed class PostReader(SpotlightDb db, IPostEntitlement entitlement, IUserDirectory users, IPostMedia media) : IPostReader
{
    public async Task<IReadOnlyList<PostResponse>> ShapeAsync(Viewer viewer, IReadOnlyList<Post> posts, CancellationToken cancellationToken)
    {
        if (posts.Count == 0)
        {
            return [];
        }

        var access = await entitlement.DecideAsync(viewer, posts, cancellationToken);
        var visible = posts.Where(p => access.GetValueOrDefault(p.Id) != PostAccess.None).ToList();
        if (visible.Count == 0)
        {
            return [];
        }

        var ids = visible.Select(p => p.Id).ToList();
        var authors = await users.FactsAsync(visible.Select(p => p.AuthorId).Distinct().ToList(), cancellationToken);
        var mediaOf = await media.OfPostsAsync(ids, cancellationToken);
        var gatedOnPlans = visible.Where(p => p.Visibility == Visibility.Subscribers).Select(p => p.Id).ToList();
        var plans = gatedOnPlans.Count == 0 ? Enumerable.Empty<PostPlan>().ToLookup(pp => pp.PostId, pp => pp.PlanId)
            : (await db.Set<PostPlan>().AsNoTracking().Where(pp => gatedOnPlans.Contains(pp.PostId)).ToListAsync(cancellationToken))
                .ToLookup(pp => pp.PostId, pp => pp.PlanId);
        var liked = viewer.UserId is { } me
            ? (await db.Set<PostLike>().AsNoTracking().Where(l => l.UserId == me && ids.Contains(l.PostId)).Select(l => l.PostId).ToListAsync(cancellationToken)).ToHashSet()
            : [];

        var shaped = new List<PostResponse>(visible.Count);
        foreach (var post in visible)
        {
            var locked = access[post.Id] == PostAccess.Locked;
            var author = authors.TryGetValue(post.AuthorId, out var facts)
                ? new AuthorCard(facts.Id, facts.Handle, facts.DisplayName, facts.AvatarUrl)
                : new AuthorCard(post.AuthorId, "", null, null);
            var items = mediaOf.GetValueOrDefault(post.Id) ?? [];
            shaped.Add(new PostResponse(
                post.Id, author, locked ? "" : post.Text, locked ? items.Select(Reduced).ToList() : items, post.Visibility,
                plans[post.Id].OrderBy(id => id).ToList(), post.Visibility == Visibility.Premium ? post.Price : null,
                post.Pinned, post.LikeCount, post.CommentCount, liked.Contains(post.Id), locked, post.CommentsClosed, post.CreatedAt, post.EditedAt,
                post.ModerationStatus is { } status && (viewer.UserId == post.AuthorId || viewer.IsStaff) ? new ModerationNote(status, post.ModerationReason) : null));
        }

        return shaped;
    }

    /// <summary>What a locked post shows of a medium: enough to lay it out and blur it, nothing to fetch it by.</summary>
    private static MediaResponse Reduced(MediaResponse m) =>
        new(m.Id, m.Kind, null, null, m.Width, m.Height, null, null, null, null, m.Blurhash);
}
