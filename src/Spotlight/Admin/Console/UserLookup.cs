using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;

namespace Spotlight.Admin.Console;

/// <summary>Accounts as the console names them: by id, handle (with or without @) or email, and shown by handle.</summary>
internal static class UserLookup
{
    /// <summary>The account an administrator typed: an id, a handle or an email (case-insensitive); null when none matches.</summary>
    public static async Task<Guid?> FindAsync(SpotlightDb db, string text, CancellationToken cancellationToken)
    {
        var value = text.Trim();
        if (Guid.TryParse(value, out var id))
        {
            return await db.Users.AsNoTracking().AnyAsync(u => u.Id == id, cancellationToken) ? id : null;
        }

        var handle = value.TrimStart('@').ToUpperInvariant();
        var email = AccountRules.NormalizeEmail(value);
        return await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == email || u.NormalizedUserName == handle)
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Handles of the given accounts, in one query.</summary>
    public static async Task<Dictionary<Guid, string>> HandlesAsync(SpotlightDb db, IEnumerable<Guid?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        return wanted.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).Select(u => new { u.Id, u.UserName })
                .ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id.ToString(), cancellationToken);
    }
}
