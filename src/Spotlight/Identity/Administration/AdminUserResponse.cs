namespace Spotlight.Identity.Administration;

/// <summary>An account as administrators see it (the API's <c>/admin/users</c> and the console's user pages).</summary>
public sealed record AdminUserResponse(
    Guid Id, string Email, string Handle, string? DisplayName, IReadOnlyList<string> Roles, string Tier, bool EmailVerified,
    bool TwoFactorEnabled, DateTime CreatedAt, DateTime? LastSeenAt, DateTime? BannedAt, string? BanReason, bool LockedOut, DateTime? BannedUntil = null)
{
    public static AdminUserResponse From(User u, DateTimeOffset now) => new(
        u.Id, u.Email ?? "", u.Handle, u.DisplayName, u.RoleList, u.Tier, u.EmailConfirmed, u.TwoFactorEnabled, u.CreatedAt, u.LastSeenAt,
        u.BannedAt, u.BanReason, u.LockoutEnd > now, u.BannedUntil);
}

/// <summary>Refusals the administration use cases share.</summary>
public static class AdminRefusals
{
    public static readonly Platform.Errors.Refusal NoSuchAccount = Platform.Errors.Refusal.NotFound("No account has this id.");
}
