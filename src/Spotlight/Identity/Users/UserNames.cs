using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;

namespace Spotlight.Identity.Users;

/// <summary>
/// Accounts as staff name them: by id, handle (with or without @) or email, and shown by handle. For the console's
/// filters and tables, which compose these into their own reads in the caller's <see cref="SpotlightDb"/>.
/// </summary>
public static class UserNames
{
    /// <summary>The account whose handle or email (case-insensitive) <paramref name="text"/> is; null when none.</summary>
    public static async Task<Guid?> FindByHandleOrEmailAsync(SpotlightDb db, string text, CancellationToken cancellationToken)
    {
        var handle = text.TrimStart('@').ToUpperInvariant();
        var email = AccountRules.NormalizeEmail(text);
        return await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == email || u.NormalizedUserName == handle)
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public static Task<bool> ExistsAsync(SpotlightDb db, Guid id, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().AnyAsync(u => u.Id == id, cancellationToken);

    /// <summary>The handles of the given accounts (those that exist), in one query.</summary>
    public static async Task<Dictionary<Guid, string?>> HandlesAsync(SpotlightDb db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.UserName })
                .ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
}
