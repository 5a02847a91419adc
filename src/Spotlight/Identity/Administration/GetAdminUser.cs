using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary><c>GET /admin/users/{id}</c> and the console's user page: one account.</summary>
public sealed class GetAdminUser(SpotlightDb db, TimeProvider time)
{
    public async Task<Outcome<AdminUserResponse>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        return user is null ? AdminRefusals.NoSuchAccount : AdminUserResponse.From(user, time.GetUtcNow());
    }
}
