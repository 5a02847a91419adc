using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Live.Lives;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Live.Battles;

/// <summary>
/// <c>GET /pk/{id}</c> for signed-in users: the two creators, and anyone who may watch either live by the rules of
/// <c>POST /live/{id}/join</c> (not banned, no block with its creator, its visibility; the live may have ended). Anyone
/// else gets 404. A side's creator gets the <c>guest</c> token for the other room while the battle is active.
/// </summary>
internal sealed class ReadPk(SpotlightDb db, LiveAccess access, PkGuests guests)
{
    public async Task<Outcome<PkBattleResponse>> HandleAsync(Guid callerId, Guid pkId, CancellationToken cancellationToken)
    {
        var battle = await db.Set<PkBattle>().AsNoTracking().SingleOrDefaultAsync(b => b.Id == pkId, cancellationToken);
        if (battle is null || !await MaySeeAsync(callerId, battle, cancellationToken))
        {
            return Refusal.NotFound("No battle has this id.");
        }

        return await guests.ShapeForAsync(callerId, battle, cancellationToken);
    }

    private async Task<bool> MaySeeAsync(Guid callerId, PkBattle battle, CancellationToken cancellationToken)
    {
        if (callerId == battle.InviterCreatorId || callerId == battle.OpponentCreatorId)
        {
            return true;
        }

        var lives = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Id == battle.InviterLiveId || l.Id == battle.OpponentLiveId).ToListAsync(cancellationToken);
        foreach (var live in lives)
        {
            if ((await access.CheckAsync(callerId, live, cancellationToken)).Refusal is null)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// <c>GET /pk?creatorId=</c>: the battles a creator took part in, on either side, newest first (cursor page), for
/// signed-in users; 404 when there is a block either way between the caller and the creator. Battles' ids, lives,
/// scores and results only (never a token).
/// </summary>
internal sealed class ListPkHistory(SpotlightDb db, IBlockList blocks, TimeProvider time)
{
    public async Task<Outcome<Page<PkBattleResponse>>> HandleAsync(Guid callerId, Guid creatorId, PageRequest page, CancellationToken cancellationToken)
    {
        if (callerId != creatorId && await blocks.IsBlockedAsync(callerId, creatorId, cancellationToken))
        {
            return Refusal.NotFound("No creator has this id.");
        }

        var after = page.After;
        var rows = await db.Set<PkBattle>().AsNoTracking()
            .Where(b => (b.InviterCreatorId == creatorId || b.OpponentCreatorId == creatorId) && (after == null || b.Id < after))
            .OrderByDescending(b => b.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return page.ToPage(rows, b => b.Id, b => PkShape.Of(b, now));
    }
}
