using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Discovery.Search;

/// <summary>
/// <c>type=posts</c>: posts whose text holds every word of the query (as prefixes), newest first. A post is found only
/// when the caller would get it whole (the entitlement function says <see cref="PostAccess.Whole"/>): finding a locked
/// post by a word of its hidden text would tell what it says. Deleted, hidden and removed posts and posts of banned
/// authors or of authors blocked either way are never found, not even by staff. Newest first rather than by relevance:
/// FTS5's bm25 and PostgreSQL's ts_rank score differently, and the two engines must answer alike.
/// </summary>
public sealed class SearchPosts(SpotlightDb db, IPostTextIndex index, IPostEntitlement entitlement, IPostReader reader, IUserDirectory users, IBlockList blocks)
{
    /// <summary>Rounds of candidates a page may look through before answering short with a cursor to go on.</summary>
    private const int MaxRounds = 4;

    public async Task<Outcome<Page<PostResponse>>> HandleAsync(Viewer viewer, SearchRequest request, CancellationToken cancellationToken)
    {
        var terms = SearchTerms.From(request.Text);
        if (terms.Count == 0)
        {
            return Refusal.Invalid("q", "Give at least one word (letters or digits) to search posts for.");
        }

        var candidates = Candidates(viewer, terms);
        var batchSize = Math.Min(request.Limit * 2, PageRequest.MaxLimit) + 1;
        var found = new List<Post>(request.Limit);
        Guid? after = request.After is { } key ? Guid.ParseExact(key, "N") : null;
        var more = true;
        for (var round = 0; round < MaxRounds && more && found.Count < request.Limit; round++)
        {
            var query = candidates;
            if (after is { } last)
            {
                query = query.Where(p => p.Id.CompareTo(last) < 0);
            }

            var batch = await query.OrderByDescending(p => p.Id).Take(batchSize).ToListAsync(cancellationToken);
            var access = await entitlement.DecideAsync(viewer, batch, cancellationToken);
            var consumed = 0;
            foreach (var post in batch)
            {
                consumed++;
                after = post.Id;
                if (access.GetValueOrDefault(post.Id) == PostAccess.Whole)
                {
                    found.Add(post);
                    if (found.Count == request.Limit)
                    {
                        break;
                    }
                }
            }

            more = batch.Count == batchSize || consumed < batch.Count;
        }

        var items = await reader.ShapeAsync(viewer, found, cancellationToken);
        return new Page<PostResponse>(items, more && after is { } next ? SearchRequest.EncodeCursor(next.ToString("N")) : null);
    }

    /// <summary>What the index matches, narrowed in SQL by what no caller may find; the entitlement function decides the rest.</summary>
    private IQueryable<Post> Candidates(Viewer viewer, IReadOnlyList<string> terms)
    {
        var matching = index.Matching(terms);
        var active = users.ActiveUserIds();
        var posts = db.Set<Post>().AsNoTracking()
            .Where(p => matching.Contains(p.Id) && p.DeletedAt == null && p.ModerationStatus == null && active.Contains(p.AuthorId));
        if (viewer.UserId is not { } me)
        {
            return posts.Where(p => p.Visibility == Visibility.Public);
        }

        var blocked = blocks.BlockedEitherWay(me);
        posts = posts.Where(p => !blocked.Contains(p.AuthorId));
        // Premium posts the caller neither wrote nor bought can never be whole for them: leave them out before deciding.
        return viewer.IsStaff
            ? posts
            : posts.Where(p => p.Visibility != Visibility.Premium || p.AuthorId == me
                || db.Set<PostUnlock>().Any(u => u.PostId == p.Id && u.BuyerId == me));
    }
}
