using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

public sealed record SetRolesRequest(string[]? Roles);

/// <summary><c>PUT /admin/users/{id}/roles</c> and the console: replaces an account's roles (<c>user</c> always stays); its tokens end.</summary>
public sealed class SetUserRoles(SpotlightDb db, AuditLog audit, SessionStateCache cache, TimeProvider time)
{
    public async Task<Outcome<AdminUserResponse>> HandleAsync(Guid adminId, Guid id, SetRolesRequest request, CancellationToken cancellationToken)
    {
        var roles = (request.Roles ?? []).Select(r => r?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        var unknown = roles.Where(r => !Role.All.Contains(r)).ToList();
        if (request.Roles is null || unknown.Count > 0)
        {
            return IdentityRefusals.Invalid("roles", $"Roles must be a list of: {string.Join(", ", Role.All)}.");
        }

        if (!roles.Contains(Role.User))
        {
            roles.Insert(0, Role.User);
        }

        if (id == adminId && !roles.Contains(Role.Admin))
        {
            return IdentityRefusals.BadRequest("cannot_demote_self", "You cannot remove your own admin role; ask another admin.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return AdminRefusals.NoSuchAccount;
        }

        var ordered = Role.All.Where(roles.Contains).ToList();
        var before = user.RoleList;
        if (!before.SequenceEqual(ordered))
        {
            user.Roles = string.Join(',', ordered);
            // Roles travel in access tokens: a new stamp makes the old ones stop working, so a refresh picks up the change.
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            audit.Add(db, "user.roles_changed", "user", id.ToString(), new { before, after = ordered });
            await db.SaveChangesAsync(cancellationToken);
            await cache.EvictUserAsync(id);
        }

        return AdminUserResponse.From(user, time.GetUtcNow());
    }
}
