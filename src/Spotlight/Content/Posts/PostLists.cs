using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Posts;

/// <summary>
/// The lists of posts this part owns: a profile's posts, the following feed and a hashtag's page. Each is keyset-paged on
/// the UUID v7 id (newest first, the cursor the last id served), so a page stays the same while new posts arrive. SQL
/// leaves out what no one but author and staff may see (deleted, moderated, banned or blocked authors), so pages are
/// full; the rest goes through <see cref="IPostReader"/> like every read path. A page may still come back shorter than
/// the limit when the reader drops a post (nextCursor then still goes on from the last row read).
/// </summary>
public sealed class PostLists(SpotlightDb db, IPostReader reader, IUserDirectory users, IBlockList blocks, IFollowGraph follows, IOptions<DatabaseOptions> database)
{
    /// <summary>A profile's posts: pinned first (newest pinned first), then the rest newest first.</summary>
    public async Task<Page<PostResponse>> OfAuthorAsync(Viewer viewer, Guid authorId, PageRequest page, CancellationToken cancellationToken)
    {
        // A banned author's or a blocked one's profile shows nothing, as each of their posts is 404.
        var ownOrStaff = viewer.UserId == authorId || viewer.IsStaff;
        if (!ownOrStaff && !await users.ActiveUserIds().AnyAsync(id => id == authorId, cancellationToken))
        {
            return new Page<PostResponse>([], null);
        }

        if (!ownOrStaff && viewer.UserId is { } me && await blocks.IsBlockedAsync(me, authorId, cancellationToken))
        {
            return new Page<PostResponse>([], null);
        }

        var posts = Listed(viewer).Where(p => p.AuthorId == authorId);
        // The cursor is a post id; a pinned one means the pinned part of the list is not over yet.
        var inPinned = page.After is not { } after
            || await posts.AnyAsync(p => p.Id == after && p.Pinned, cancellationToken);
        var rows = new List<Post>(page.Limit + 1);
        if (inPinned)
        {
            var pinned = posts.Where(p => p.Pinned);
            if (page.After is { } pinnedAfter)
            {
                pinned = pinned.Where(p => p.Id.CompareTo(pinnedAfter) < 0);
            }

            rows.AddRange(await pinned.OrderByDescending(p => p.Id).Take(page.Limit + 1).ToListAsync(cancellationToken));
        }

        if (rows.Count <= page.Limit)
        {
            var rest = posts.Where(p => !p.Pinned);
            if (!inPinned && page.After is { } restAfter)
            {
                rest = rest.Where(p => p.Id.CompareTo(restAfter) < 0);
            }

            rows.AddRange(await rest.OrderByDescending(p => p.Id).Take(page.Limit + 1 - rows.Count).ToListAsync(cancellationToken));
        }

        return await ShapeAsync(viewer, page, rows, cancellationToken);
    }

    /// <summary>
    /// The following feed. On PostgreSQL one lateral index range per followed author on (AuthorId, Id), each at most a
    /// page long, merged and cut: the work is bounded by follows × page size, not by how many posts those authors wrote.
    /// </summary>
    public async Task<Page<PostResponse>> FeedAsync(Guid viewerId, PageRequest page, CancellationToken cancellationToken)
    {
        var viewer = new Viewer(viewerId, false);
        var take = page.Limit + 1;
        var after = page.After ?? MaxId;
        var followed = follows.FollowingIds(viewerId).Where(id => users.ActiveUserIds().Contains(id));
        List<Post> rows;
        if (database.Value.IsPostgres)
        {
            // EF turns a correlated Take into ROW_NUMBER() over every post, so the lateral join is written out. The followed
            // ids come first (one indexed read of Social's follows through its interface); then, per author, at most `take`
            // ids from the partial feed index (an index-only scan, no table rows), the newest `take` of those, and only
            // their rows. The work is bounded by follows × page size whatever the table holds.
            var authors = await followed.ToArrayAsync(cancellationToken);
            rows = authors.Length == 0 ? [] : await db.Set<Post>().FromSql($"""
                SELECT * FROM "Posts" WHERE "Id" IN (
                    SELECT p."Id" FROM unnest({authors}) AS a("Id")
                    CROSS JOIN LATERAL (
                        SELECT x."Id" FROM "Posts" AS x
                        WHERE x."AuthorId" = a."Id" AND x."Id" < {after} AND x."DeletedAt" IS NULL AND x."ModerationStatus" IS NULL
                        ORDER BY x."Id" DESC LIMIT {take}) AS p
                    ORDER BY p."Id" DESC LIMIT {take})
                ORDER BY "Id" DESC
                """).AsNoTracking().ToListAsync(cancellationToken);
        }
        else
        {
            // SQLite has no LATERAL; it walks (AuthorId, Id) per followed author for the IN list, which is enough at its scale.
            rows = await Visible().Where(p => followed.Contains(p.AuthorId) && p.Id.CompareTo(after) < 0)
                .OrderByDescending(p => p.Id).Take(take).ToListAsync(cancellationToken);
        }

        return await ShapeAsync(viewer, page, rows, cancellationToken);
    }

    /// <summary>A hashtag's posts, newest first.</summary>
    public async Task<Page<PostResponse>> OfHashtagAsync(Viewer viewer, string tag, PageRequest page, CancellationToken cancellationToken)
    {
        var tagged = db.Set<PostHashtag>().AsNoTracking().Where(h => h.Tag == tag);
        if (page.After is { } after)
        {
            tagged = tagged.Where(h => h.PostId.CompareTo(after) < 0);
        }

        var active = users.ActiveUserIds();
        var posts = Visible().Where(p => active.Contains(p.AuthorId));
        if (viewer.UserId is { } me && !viewer.IsStaff)
        {
            var blocked = blocks.BlockedEitherWay(me);
            posts = posts.Where(p => !blocked.Contains(p.AuthorId));
        }

        var rows = await tagged.Join(posts, h => h.PostId, p => p.Id, (h, p) => p)
            .OrderByDescending(p => p.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        return await ShapeAsync(viewer, page, rows, cancellationToken);
    }

    private static readonly Guid MaxId = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    /// <summary>Posts anyone may be shown in a list: not deleted, not moderated.</summary>
    private IQueryable<Post> Visible() => db.Set<Post>().AsNoTracking().Where(p => p.DeletedAt == null && p.ModerationStatus == null);

    /// <summary>As <see cref="Visible"/>, plus moderated ones for their author and staff (who see the moderator's note).</summary>
    private IQueryable<Post> Listed(Viewer viewer) => db.Set<Post>().AsNoTracking()
        .Where(p => p.DeletedAt == null && (p.ModerationStatus == null || viewer.IsStaff || p.AuthorId == viewer.UserId));

    private async Task<Page<PostResponse>> ShapeAsync(Viewer viewer, PageRequest page, IReadOnlyList<Post> rows, CancellationToken cancellationToken)
    {
        var served = rows.Take(page.Limit).ToList();
        var items = await reader.ShapeAsync(viewer, served, cancellationToken);
        return new Page<PostResponse>(items, rows.Count > page.Limit ? PageRequest.EncodeCursor(served[^1].Id) : null);
    }
}
