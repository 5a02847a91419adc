using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Live.Lives;

/// <summary>
/// <c>GET /live</c>: the lives on now, those of creators the caller follows first, each group newest first. A signed-out
/// caller sees public lives; a signed-in one also the followers' and subscribers' lives of creators they follow (joining
/// still checks a subscription), never lives across a block. The cursor is the last live's id: its creator says which
/// group the next page continues.
/// </summary>
public sealed class ListLives(SpotlightDb db, IFollowGraph follows, IBlockList blocks, IUserDirectory users)
{
    public async Task<Page<LiveResponse>> HandleAsync(Guid? callerId, PageRequest page, CancellationToken cancellationToken)
    {
        var on = db.Set<LiveSession>().AsNoTracking().Where(l => l.Status == LiveStatus.Live);
        var rows = new List<LiveSession>();
        var after = page.After;
        if (callerId is { } caller)
        {
            var followed = follows.FollowingIds(caller);
            on = on.Where(l => !blocks.BlockedEitherWay(caller).Contains(l.CreatorId));
            var inFollowed = after is not { } cursor
                || await db.Set<LiveSession>().Where(l => l.Id == cursor).AnyAsync(l => followed.Contains(l.CreatorId) || l.CreatorId == caller, cancellationToken);
            if (inFollowed)
            {
                rows.AddRange(await on.Where(l => (followed.Contains(l.CreatorId) || l.CreatorId == caller) && (after == null || l.Id < after))
                    .OrderByDescending(l => l.Id).Take(page.Limit + 1).ToListAsync(cancellationToken));
                after = null;
            }

            on = on.Where(l => !followed.Contains(l.CreatorId) && l.CreatorId != caller);
        }

        if (rows.Count <= page.Limit)
        {
            rows.AddRange(await on.Where(l => l.Visibility == LiveVisibility.Public && (after == null || l.Id < after))
                .OrderByDescending(l => l.Id).Take(page.Limit + 1 - rows.Count).ToListAsync(cancellationToken));
        }

        var creators = await users.FactsAsync(rows.Select(l => l.CreatorId).Distinct().ToList(), cancellationToken);
        return page.ToPage(rows, l => l.Id, l => ReadLive.Shape(l, creators.GetValueOrDefault(l.CreatorId)));
    }
}
