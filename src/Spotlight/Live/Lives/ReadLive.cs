using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Lives;

/// <summary><c>GET /live/{id}</c>: a live, on or over, with its creator's card and its current battle (<c>pk</c>, no tokens).</summary>
public sealed class ReadLive(SpotlightDb db, IUserDirectory users, TimeProvider time)
{
    public async Task<Outcome<LiveResponse>> HandleAsync(Guid liveId, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        if (live is null)
        {
            return Refusal.NotFound("No live has this id.");
        }

        var shaped = await ShapeAsync(users, live, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var battle = await db.Set<Battles.PkBattle>().AsNoTracking()
            .Where(b => (b.InviterLiveId == liveId || b.OpponentLiveId == liveId) && (b.Status == Battles.PkStatus.Active || (b.Status == Battles.PkStatus.Invited && b.ExpiresAt > now)))
            .OrderByDescending(b => b.Id).FirstOrDefaultAsync(cancellationToken);
        return battle is null ? shaped : shaped with { Pk = Battles.PkShape.Of(battle, now) };
    }

    internal static async Task<LiveResponse> ShapeAsync(IUserDirectory users, LiveSession live, CancellationToken cancellationToken)
    {
        var creator = (await users.FactsAsync([live.CreatorId], cancellationToken)).GetValueOrDefault(live.CreatorId);
        return Shape(live, creator);
    }

    internal static LiveResponse Shape(LiveSession live, UserFacts? creator) =>
        new(live.Id, creator is null ? null : LiveCreator.From(creator), live.Title, live.Visibility, live.Status, live.ViewerCount, live.StartedAt, live.EndedAt, null);
}
