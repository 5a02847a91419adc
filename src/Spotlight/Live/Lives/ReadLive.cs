using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Lives;

/// <summary><c>GET /live/{id}</c>: a live, on or over, with its creator's card.</summary>
public sealed class ReadLive(SpotlightDb db, IUserDirectory users)
{
    public async Task<Outcome<LiveResponse>> HandleAsync(Guid liveId, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        return live is null ? Refusal.NotFound("No live has this id.") : await ShapeAsync(users, live, cancellationToken);
    }

    internal static async Task<LiveResponse> ShapeAsync(IUserDirectory users, LiveSession live, CancellationToken cancellationToken)
    {
        var creator = (await users.FactsAsync([live.CreatorId], cancellationToken)).GetValueOrDefault(live.CreatorId);
        return Shape(live, creator);
    }

    internal static LiveResponse Shape(LiveSession live, UserFacts? creator) =>
        new(live.Id, creator is null ? null : LiveCreator.From(creator), live.Title, live.Visibility, live.Status, live.ViewerCount, live.StartedAt, live.EndedAt, null);
}
