using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Social.Follows;

/// <summary><c>GET /users/{id}/followers</c> and <c>/following</c>: the profiles on either side of an active user's follows, newest first.</summary>
internal sealed class ListFollows(SpotlightDb db, IUserDirectory users)
{
    public async Task<Outcome<Page<PublicProfile>>> HandleAsync(Guid id, bool followers, PageRequest page, CancellationToken cancellationToken)
    {
        if ((await users.FactsAsync([id], cancellationToken)).GetValueOrDefault(id) is not { IsBanned: false })
        {
            return Refusal.NotFound("No user has this id.");
        }

        var follows = db.Set<Follow>().AsNoTracking().Where(f => followers ? f.FolloweeId == id : f.FollowerId == id);
        if (page.After is { } after)
        {
            follows = follows.Where(f => f.Id.CompareTo(after) < 0);
        }

        var rows = await follows.OrderByDescending(f => f.Id).Take(page.Limit + 1)
            .Select(f => new { f.Id, User = followers ? f.FollowerId : f.FolloweeId }).ToListAsync(cancellationToken);
        var profiles = await users.ProfilesAsync(rows.Select(r => r.User).ToList(), cancellationToken);
        var listed = rows.Where(r => profiles.ContainsKey(r.User)).ToList();
        return page.ToPage(listed, r => r.Id, r => PublicProfile.From(profiles[r.User]));
    }
}
