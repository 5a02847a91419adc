using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

public sealed record SetTierRequest(string? Tier);

/// <summary><c>PUT /admin/users/{id}/tier</c> and the console: moves an account to another tier (its rate limit); its tokens end.</summary>
public sealed class SetUserTier(SpotlightDb db, AuditLog audit, SessionStateCache cache, TimeProvider time)
{
    public async Task<Outcome<AdminUserResponse>> HandleAsync(Guid id, SetTierRequest request, CancellationToken cancellationToken)
    {
        var tier = request.Tier?.Trim().ToLowerInvariant();
        if (tier is null || !Tiers.All.Contains(tier))
        {
            return IdentityRefusals.Invalid("tier", $"Tier must be one of: {string.Join(", ", Tiers.All)}.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return AdminRefusals.NoSuchAccount;
        }

        if (user.Tier != tier)
        {
            audit.Add(db, "user.tier_changed", "user", id.ToString(), new { before = user.Tier, after = tier });
            user.Tier = tier;
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync(cancellationToken);
            await cache.EvictUserAsync(id);
        }

        return AdminUserResponse.From(user, time.GetUtcNow());
    }
}
