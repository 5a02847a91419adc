using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Administration;

/// <summary><c>GET /admin/users</c> and the console's user list: accounts by email or handle (a part of either), newest first.</summary>
public sealed class SearchUsers(SpotlightDb db, TimeProvider time)
{
    public async Task<Page<AdminUserResponse>> HandleAsync(string? query, PageRequest page, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var normalized = query.Trim().TrimStart('@').ToUpperInvariant();
            users = users.Where(u => u.NormalizedEmail!.Contains(normalized) || u.NormalizedUserName!.Contains(normalized));
        }

        if (page.After is { } after)
        {
            users = users.Where(u => u.Id.CompareTo(after) < 0);
        }

        var rows = await users.OrderByDescending(u => u.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return page.ToPage(rows, u => u.Id, u => AdminUserResponse.From(u, now));
    }
}
