using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

/// <summary><c>GET /me</c>: the caller's account.</summary>
public sealed class ReadMe(SpotlightDb db)
{
    public async Task<Outcome<MeResponse>> HandleAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        return user is null ? UpdateMe.Gone : MeResponse.From(user);
    }
}
