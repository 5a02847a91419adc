using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Administration;

public sealed record AdminUserResponse(
    Guid Id, string Email, string Handle, string? DisplayName, IReadOnlyList<string> Roles, string Tier, bool EmailVerified,
    bool TwoFactorEnabled, DateTime CreatedAt, DateTime? LastSeenAt, DateTime? BannedAt, string? BanReason, bool LockedOut, DateTime? BannedUntil = null)
{
    public static AdminUserResponse From(User u, DateTimeOffset now) => new(
        u.Id, u.Email ?? "", u.Handle, u.DisplayName, u.RoleList, u.Tier, u.EmailConfirmed, u.TwoFactorEnabled, u.CreatedAt, u.LastSeenAt,
        u.BannedAt, u.BanReason, u.LockoutEnd > now, u.BannedUntil);
}

/// <summary><c>days</c>: a suspension that ends by itself after that many days; none: banned until an admin lifts it.</summary>
public sealed record BanRequest(string? Reason, int? Days = null);

public sealed record SetRolesRequest(string[]? Roles);

public sealed record SetTierRequest(string? Tier);

/// <summary>Administration of accounts (<c>/api/v1/admin/users</c>). Every change is audit-logged and ends the user's tokens.</summary>
public static class AdminUsersApi
{
    public static RouteGroupBuilder MapAdminUsers(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users").WithTags("Admin");
        users.MapGet("/", Search).WithName("AdminSearchUsers").WithSummary("Search accounts by email or handle");
        users.MapGet("/{id:guid}", Get).WithName("AdminGetUser").WithSummary("One account");
        users.MapPost("/{id:guid}/ban", Ban).WithName("AdminBanUser")
            .WithSummary("Ban an account (with days: suspend it until then): its sessions end and its tokens stop working");
        users.MapPost("/{id:guid}/unban", Unban).WithName("AdminUnbanUser").WithSummary("Lift a ban");
        users.MapPut("/{id:guid}/roles", SetRoles).WithName("AdminSetRoles").WithSummary("Replace an account's roles");
        users.MapPut("/{id:guid}/tier", SetTier).WithName("AdminSetTier").WithSummary("Set an account's tier");
        users.MapDelete("/{id:guid}/sessions", RevokeSessions).WithName("AdminRevokeSessions").WithSummary("End every session of an account");
        users.MapPost("/{id:guid}/2fa/reset", ResetTwoFactor).WithName("AdminResetTwoFactor").WithSummary("Turn off an account's two-factor authentication");
        return users;
    }

    public static async Task<Results<Ok<Page<AdminUserResponse>>, ValidationProblem>> Search(
        SpotlightDb db, TimeProvider time, string? query, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

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

        var rows = await users.OrderByDescending(u => u.Id).Take(page.Limit + 1).ToListAsync();
        var now = time.GetUtcNow();
        return TypedResults.Ok(page.ToPage(rows, u => u.Id, u => AdminUserResponse.From(u, now)));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> Get(Guid id, SpotlightDb db, TimeProvider time)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
        return user is null ? ApiProblem.NotFound("No account has this id.") : TypedResults.Ok(AdminUserResponse.From(user, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> Ban(
        Guid id, BanRequest request, ClaimsPrincipal caller, SpotlightDb db, AccountBans bans, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500);
        if (request.Days is < 1 or > AccountBans.MaxDays)
        {
            errors.Add("days", $"Suspend for 1 to {AccountBans.MaxDays} days, or leave days out for a ban without end.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (id == caller.UserId())
        {
            return ApiProblem.Create(400, "cannot_ban_self", "You cannot ban your own account.");
        }

        var user = await bans.StageAsync(db, id, request.Reason!.Trim(), request.Days, cancellationToken);
        if (user is null)
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        await db.SaveChangesAsync(cancellationToken);
        await bans.EnforceAsync(db, id);
        return TypedResults.Ok(AdminUserResponse.From(user, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> Unban(Guid id, SpotlightDb db, AuditLog audit, TimeProvider time)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        if (user.BannedAt is not null)
        {
            user.BannedAt = null;
            user.BannedUntil = null;
            user.BanReason = null;
            audit.Add(db, "user.unbanned", "user", id.ToString());
            await db.SaveChangesAsync();
        }

        return TypedResults.Ok(AdminUserResponse.From(user, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, SetRolesRequest request, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, SessionStateCache cache, TimeProvider time)
    {
        var roles = (request.Roles ?? []).Select(r => r?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        var unknown = roles.Where(r => !Role.All.Contains(r)).ToList();
        if (request.Roles is null || unknown.Count > 0)
        {
            return ApiProblem.Validation("roles", $"Roles must be a list of: {string.Join(", ", Role.All)}.");
        }

        if (!roles.Contains(Role.User))
        {
            roles.Insert(0, Role.User);
        }

        if (id == caller.UserId() && !roles.Contains(Role.Admin))
        {
            return ApiProblem.Create(400, "cannot_demote_self", "You cannot remove your own admin role; ask another admin.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        var ordered = Role.All.Where(roles.Contains).ToList();
        var before = user.RoleList;
        if (!before.SequenceEqual(ordered))
        {
            user.Roles = string.Join(',', ordered);
            // Roles travel in access tokens: a new stamp makes the old ones stop working, so a refresh picks up the change.
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            audit.Add(db, "user.roles_changed", "user", id.ToString(), new { before, after = ordered });
            await db.SaveChangesAsync();
            await cache.EvictUserAsync(id);
        }

        return TypedResults.Ok(AdminUserResponse.From(user, time.GetUtcNow()));
    }

    public static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> SetTier(
        Guid id, SetTierRequest request, SpotlightDb db, AuditLog audit, SessionStateCache cache, TimeProvider time)
    {
        var tier = request.Tier?.Trim().ToLowerInvariant();
        if (tier is null || !Tiers.All.Contains(tier))
        {
            return ApiProblem.Validation("tier", $"Tier must be one of: {string.Join(", ", Tiers.All)}.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        if (user.Tier != tier)
        {
            audit.Add(db, "user.tier_changed", "user", id.ToString(), new { before = user.Tier, after = tier });
            user.Tier = tier;
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync();
            await cache.EvictUserAsync(id);
        }

        return TypedResults.Ok(AdminUserResponse.From(user, time.GetUtcNow()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessions(Guid id, SpotlightDb db, SessionRevoker sessions, AuditLog audit)
    {
        if (!await db.Users.AnyAsync(u => u.Id == id))
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        var count = await sessions.RevokeAllAsync(db, id, "revoked_by_admin");
        await audit.WriteAsync(db, "user.sessions_revoked", "user", id.ToString(), new { count });
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ResetTwoFactor(Guid id, UserManager<User> users, SpotlightDb db, AuditLog audit, SessionStateCache cache)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return ApiProblem.NotFound("No account has this id.");
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
        await audit.WriteAsync(db, "user.2fa_reset", "user", id.ToString());
        // Identity gave the account a new stamp: every node drops what it cached, so its console cookie ends at once.
        await cache.EvictUserAsync(id);
        return TypedResults.NoContent();
    }
}
