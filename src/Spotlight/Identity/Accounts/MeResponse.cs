namespace Spotlight.Identity.Accounts;

/// <summary>The caller's own account (API.md, <c>GET /api/v1/me</c>). Never carries a hash, stamp or token.</summary>
public sealed record MeResponse(
    Guid Id,
    string Email,
    string Handle,
    string? DisplayName,
    string? Bio,
    string? AvatarUrl,
    IReadOnlyList<string> Roles,
    string Tier,
    bool EmailVerified,
    bool TwoFactorEnabled,
    DateTime CreatedAt)
{
    public static MeResponse From(User user) => new(
        user.Id, user.Email ?? "", user.Handle, user.DisplayName, user.Bio, user.AvatarUrl, user.RoleList, user.Tier,
        user.EmailConfirmed, user.TwoFactorEnabled, user.CreatedAt);
}
