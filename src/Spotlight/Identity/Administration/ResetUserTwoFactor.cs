using Microsoft.AspNetCore.Identity;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary><c>POST /admin/users/{id}/2fa/reset</c> and the console: turns off an account's two-factor authentication.</summary>
public sealed class ResetUserTwoFactor(UserManager<User> users, SpotlightDb db, AuditLog audit, SessionStateCache cache)
{
    public async Task<Refusal?> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return AdminRefusals.NoSuchAccount;
        }

        await TwoFactor.TurnOffAsync(users, user);
        await audit.WriteAsync(db, "user.2fa_reset", "user", id.ToString());
        // Identity gave the account a new stamp: every node drops what it cached, so its console cookie ends at once.
        await cache.EvictUserAsync(id);
        return null;
    }
}
