using Spotlight.Data;
using Spotlight.Identity.Users;

namespace Spotlight.Admin.Console;

/// <summary>Accounts as the console names them: by id, handle (with or without @) or email, and shown by handle (Identity's <see cref="UserNames"/>).</summary>
internal static class UserLookup
{
    /// <summary>The account an administrator typed: an id, a handle or an email (case-insensitive); null when none matches.</summary>
    public static async Task<Guid?> FindAsync(SpotlightDb db, string text, CancellationToken cancellationToken)
    {
        var value = text.Trim();
        if (Guid.TryParse(value, out var id))
        {
            return await UserNames.ExistsAsync(db, id, cancellationToken) ? id : null;
        }

        return await UserNames.FindByHandleOrEmailAsync(db, value, cancellationToken);
    }

    /// <summary>Handles of the given accounts, in one query.</summary>
    public static async Task<Dictionary<Guid, string>> HandlesAsync(SpotlightDb db, IEnumerable<Guid?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        return (await UserNames.HandlesAsync(db, wanted, cancellationToken)).ToDictionary(u => u.Key, u => u.Value ?? u.Key.ToString());
    }
}
