using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Discovery.Search;

/// <summary>A hashtag and how many posts the caller can find under it.</summary>
public sealed record HashtagResult(string Tag, int PostCount);

/// <summary>
/// <c>type=hashtags</c>: tags starting with the text (a leading <c>#</c> ignored), in byte order of the tag. Only tags of
/// public, live posts by active authors count (and none by an author blocked either way with the caller): a tag seen
/// only on a followers-only or paid post would tell a stranger what that locked post says.
/// </summary>
public sealed class SearchHashtags(SpotlightDb db, IUserDirectory users, IBlockList blocks, IOptions<DatabaseOptions> database)
{
    public async Task<Page<HashtagResult>> HandleAsync(Viewer viewer, SearchRequest request, CancellationToken cancellationToken)
    {
        var prefix = request.Text.TrimStart('#').ToLowerInvariant();
        if (prefix.Length == 0)
        {
            return new Page<HashtagResult>([], null);
        }

        var pattern = EscapeLike(prefix) + "%";
        var active = users.ActiveUserIds();
        var posts = db.Set<Post>().Where(p => p.Visibility == Visibility.Public && p.DeletedAt == null && p.ModerationStatus == null
            && active.Contains(p.AuthorId));
        if (viewer.UserId is { } me)
        {
            var blocked = blocks.BlockedEitherWay(me);
            posts = posts.Where(p => !blocked.Contains(p.AuthorId));
        }

        // Byte order on both engines, whatever PostgreSQL's default collation: the same pages and cursors on each.
        var collation = database.Value.IsPostgres ? "C" : "BINARY";
        var tags = db.Set<PostHashtag>().Where(h => EF.Functions.Like(h.Tag, pattern, "\\"));
        if (request.After is { } after)
        {
            tags = tags.Where(h => string.Compare(EF.Functions.Collate(h.Tag, collation), after) > 0);
        }

        var rows = await tags.Join(posts, h => h.PostId, p => p.Id, (h, p) => h.Tag)
            .GroupBy(tag => tag)
            .Select(g => new { Tag = g.Key, Count = g.Count() })
            .OrderBy(t => EF.Functions.Collate(t.Tag, collation))
            .Take(request.Limit + 1)
            .ToListAsync(cancellationToken);
        var items = rows.Take(request.Limit).Select(r => new HashtagResult(r.Tag, r.Count)).ToList();
        return new Page<HashtagResult>(items, rows.Count > request.Limit ? SearchRequest.EncodeCursor(items[^1].Tag) : null);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
