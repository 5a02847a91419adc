using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Identity.Users;

/// <summary>What other modules may know of a user, in one place: the card they show, whether the account is banned, whether it is a creator or staff.</summary>
public sealed record UserFacts(Guid Id, string Handle, string? DisplayName, string? AvatarUrl, bool IsBanned, bool IsCreator, bool IsStaff);

/// <summary>
/// Identity's read model of users for every other module (posts' authors, mentions, search, moderation): they never read
/// Identity's tables. Queries are returned for composing into a module's own query in one round trip.
/// </summary>
public interface IUserDirectory
{
    /// <summary>The facts of each existing user among <paramref name="ids"/> (banned ones included, flagged).</summary>
    Task<IReadOnlyDictionary<Guid, UserFacts>> FactsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Users who are not banned: a query to compose, not a list.</summary>
    IQueryable<Guid> ActiveUserIds();

    /// <summary>The active users with these handles (case-insensitive), by lower-cased handle: <c>@mentions</c>.</summary>
    Task<IReadOnlyDictionary<string, Guid>> FindByHandlesAsync(IReadOnlyCollection<string> userHandles, CancellationToken cancellationToken);
}

internal sealed class UserDirectory(SpotlightDb db, TimeProvider time) : IUserDirectory
{
    public async Task<IReadOnlyDictionary<Guid, UserFacts>> FactsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, UserFacts>();
        }

        var list = ids.Distinct().ToList();
        var rows = await db.Users.AsNoTracking().Where(u => list.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.AvatarUrl, u.BannedAt, u.BannedUntil, u.Roles })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return rows.ToDictionary(u => u.Id, u =>
        {
            var roles = u.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new UserFacts(u.Id, u.UserName ?? "", u.DisplayName, u.AvatarUrl, u.BannedAt != null && (u.BannedUntil == null || u.BannedUntil > now),
                roles.Contains(Role.Creator), roles.Contains(Role.Admin) || roles.Contains(Role.Moderator));
        });
    }

    public IQueryable<Guid> ActiveUserIds()
    {
        // A suspension that has ended counts as lifted even before the expiry job clears it.
        var now = time.GetUtcNow().UtcDateTime;
        return db.Users.Where(u => u.BannedAt == null || (u.BannedUntil != null && u.BannedUntil <= now)).Select(u => u.Id);
    }

    public async Task<IReadOnlyDictionary<string, Guid>> FindByHandlesAsync(IReadOnlyCollection<string> userHandles, CancellationToken cancellationToken)
    {
        var normalized = userHandles.Select(h => h.ToUpperInvariant()).Distinct().ToList();
        if (normalized.Count == 0)
        {
            return new Dictionary<string, Guid>();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Users.AsNoTracking().Where(u => (u.BannedAt == null || (u.BannedUntil != null && u.BannedUntil <= now)) && normalized.Contains(u.NormalizedUserName!))
            .Select(u => new { u.Id, u.UserName }).ToListAsync(cancellationToken);
        return rows.ToDictionary(u => u.UserName!.ToLowerInvariant(), u => u.Id);
    }
}
