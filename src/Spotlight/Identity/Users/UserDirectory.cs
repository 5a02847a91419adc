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

    /// <summary>
    /// Users banned now (a ban, or a suspension not ended): a query to compose (an index on <c>BannedAt</c> finds them).
    /// Few, so excluding them (<c>NOT IN</c>) is cheaper than keeping the <see cref="ActiveUserIds"/> of a large set.
    /// </summary>
    IQueryable<Guid> BannedUserIds();

    /// <summary>The active users with these handles (case-insensitive), by lower-cased handle: <c>@mentions</c>.</summary>
    Task<IReadOnlyDictionary<string, Guid>> FindByHandlesAsync(IReadOnlyCollection<string> userHandles, CancellationToken cancellationToken);

    /// <summary>
    /// Search: active users whose handle or display name starts with <paramref name="prefix"/> (case-insensitive), none of
    /// <paramref name="excluded"/> (a query to compose, e.g. who is blocked either way with the caller), in handle order
    /// after the handle <paramref name="afterHandle"/>; at most <paramref name="take"/>.
    /// </summary>
    Task<IReadOnlyList<UserFacts>> SearchAsync(string prefix, IQueryable<Guid>? excluded, string? afterHandle, int take, CancellationToken cancellationToken);

    /// <summary>Users with the creator role, banned or not: a query to compose (with <see cref="ActiveUserIds"/> for those who may be paid).</summary>
    IQueryable<Guid> CreatorIds();

    /// <summary>A public profile's figures of each existing user among <paramref name="ids"/> (banned ones included, flagged): Social's profiles, presence's last seen.</summary>
    Task<IReadOnlyDictionary<Guid, UserProfileFacts>> ProfilesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Moves the follow counts a profile shows (Social, in its own transaction when a follow really comes or goes).</summary>
    Task AdjustFollowCountsAsync(Guid followerId, Guid followeeId, int delta, CancellationToken cancellationToken);

    /// <summary>Records when the user was last seen online (Realtime, when the last connection closes).</summary>
    Task RecordLastSeenAsync(Guid userId, DateTime lastSeenAt, CancellationToken cancellationToken);

    /// <summary>The address to mail the user at (Notifications' email channel); null when the user has none or does not exist.</summary>
    Task<string?> EmailAsync(Guid userId, CancellationToken cancellationToken);
}

internal sealed class UserDirectory(SpotlightDb db, DatabaseOptions database, TimeProvider time) : IUserDirectory
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
            ToFacts(u.Id, u.UserName, u.DisplayName, u.AvatarUrl, User.IsBannedAt(u.BannedAt, u.BannedUntil, now), u.Roles));
    }

    public IQueryable<Guid> ActiveUserIds()
    {
        // A suspension that has ended counts as lifted even before the expiry job clears it.
        return Active().Select(u => u.Id);
    }

    public IQueryable<Guid> BannedUserIds()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Users.Where(u => u.BannedAt != null && (u.BannedUntil == null || u.BannedUntil > now)).Select(u => u.Id);
    }

    public async Task<IReadOnlyDictionary<string, Guid>> FindByHandlesAsync(IReadOnlyCollection<string> userHandles, CancellationToken cancellationToken)
    {
        var normalized = userHandles.Select(h => h.ToUpperInvariant()).Distinct().ToList();
        if (normalized.Count == 0)
        {
            return new Dictionary<string, Guid>();
        }

        var rows = await Active().AsNoTracking().Where(u => normalized.Contains(u.NormalizedUserName!))
            .Select(u => new { u.Id, u.UserName }).ToListAsync(cancellationToken);
        return rows.ToDictionary(u => u.UserName!.ToLowerInvariant(), u => u.Id);
    }

    public async Task<IReadOnlyList<UserFacts>> SearchAsync(
        string prefix, IQueryable<Guid>? excluded, string? afterHandle, int take, CancellationToken cancellationToken)
    {
        // Handles are ASCII and unique: their normalized (upper-case) form is the order and the cursor. Display names are
        // lower-cased on both sides; LIKE wildcards in the text are escaped so "a_b" finds "a_b", not "axb".
        var pattern = EscapeLike(prefix.ToLowerInvariant()) + "%";
        var handlePattern = EscapeLike(prefix.ToUpperInvariant()) + "%";
        var query = Active().AsNoTracking().Where(u => (EF.Functions.Like(u.NormalizedUserName!, handlePattern, "\\") || EF.Functions.Like(u.DisplayName!.ToLower(), pattern, "\\")));
        if (excluded is not null)
        {
            query = query.Where(u => !excluded.Contains(u.Id));
        }

        // Byte order on both engines (PostgreSQL's default collation may be a locale's, which orders "_" differently), so
        // a page and its cursor mean the same thing on SQLite and PostgreSQL.
        var collation = database.IsPostgres ? "C" : "BINARY";
        if (afterHandle is not null)
        {
            var after = afterHandle.ToUpperInvariant();
            query = query.Where(u => string.Compare(EF.Functions.Collate(u.NormalizedUserName!, collation), after) > 0);
        }

        var rows = await query.OrderBy(u => EF.Functions.Collate(u.NormalizedUserName!, collation)).Take(take)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.AvatarUrl, u.Roles }).ToListAsync(cancellationToken);
        return rows.Select(u => ToFacts(u.Id, u.UserName, u.DisplayName, u.AvatarUrl, isBanned: false, u.Roles)).ToList();
    }

    private static UserFacts ToFacts(Guid id, string? handle, string? displayName, string? avatarUrl, bool isBanned, string roleList)
    {
        var roles = roleList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new UserFacts(id, handle ?? "", displayName, avatarUrl, isBanned,
            roles.Contains(Role.Creator), roles.Contains(Role.Admin) || roles.Contains(Role.Moderator));
    }

    /// <summary>Not banned, or suspended until a time that has passed (the expiry job may not have lifted it yet).</summary>
    private IQueryable<User> Active()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Users.Where(u => u.BannedAt == null || (u.BannedUntil != null && u.BannedUntil <= now));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // Roles are a comma-separated list of role names, none of which contains another's name.
    public IQueryable<Guid> CreatorIds() => db.Users.Where(u => u.Roles.Contains(Role.Creator)).Select(u => u.Id);

    public async Task<IReadOnlyDictionary<Guid, UserProfileFacts>> ProfilesAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, UserProfileFacts>();
        }

        var list = ids.Distinct().ToList();
        var rows = await db.Users.AsNoTracking().Where(u => list.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.AvatarUrl, u.BannedAt, u.BannedUntil, u.Roles, u.Bio, u.FollowerCount, u.FollowingCount, u.LastSeenAt })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return rows.ToDictionary(u => u.Id, u => new UserProfileFacts(
            ToFacts(u.Id, u.UserName, u.DisplayName, u.AvatarUrl, User.IsBannedAt(u.BannedAt, u.BannedUntil, now), u.Roles),
            u.Bio, u.FollowerCount, u.FollowingCount, u.LastSeenAt));
    }

    public async Task AdjustFollowCountsAsync(Guid followerId, Guid followeeId, int delta, CancellationToken cancellationToken)
    {
        await db.Users.Where(u => u.Id == followerId).ExecuteUpdateAsync(s => s.SetProperty(u => u.FollowingCount, u => u.FollowingCount + delta), cancellationToken);
        await db.Users.Where(u => u.Id == followeeId).ExecuteUpdateAsync(s => s.SetProperty(u => u.FollowerCount, u => u.FollowerCount + delta), cancellationToken);
    }

    public Task RecordLastSeenAsync(Guid userId, DateTime lastSeenAt, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSeenAt, lastSeenAt), cancellationToken);

    public Task<string?> EmailAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
}

/// <summary>What a public profile shows beyond the card: bio, follow counts, when last seen online.</summary>
public sealed record UserProfileFacts(UserFacts Facts, string? Bio, int FollowerCount, int FollowingCount, DateTime? LastSeenAt);
