using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Staff;

/// <summary>
/// A staff member as the console's cookie carries them: never Identity's <see cref="User"/> (the console is another
/// module). <see cref="StampHash"/> is the hash of the security stamp a session checks (<see cref="TokenService.StampHash"/>).
/// </summary>
public sealed record StaffAccount(Guid Id, string Handle, string Email, string StampHash, IReadOnlyList<string> Roles, bool TwoFactorEnabled)
{
    internal static StaffAccount From(User user) =>
        new(user.Id, user.Handle, user.Email ?? "", TokenService.StampHash(user.SecurityStamp), user.RoleList, user.TwoFactorEnabled);
}

/// <summary>The console's read of a signed-in staff member (after a change of factor, to sign the cookie again with the new stamp).</summary>
public sealed class StaffAccounts(SpotlightDb db)
{
    public async Task<StaffAccount?> FindAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is { } user ? StaffAccount.From(user) : null;
}
