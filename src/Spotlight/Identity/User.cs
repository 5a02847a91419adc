using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Identity;

/// <summary>An account. <see cref="IdentityUser{TKey}.UserName"/> is the handle (lowercase <c>[a-z0-9_]</c>, unique).</summary>
public sealed class User : IdentityUser<Guid>
{
    public string Handle => UserName ?? "";

    public string? DisplayName { get; set; }

    public string? Bio { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>Comma-separated: <c>user</c>, <c>creator</c>, <c>moderator</c>, <c>admin</c>.</summary>
    public string Roles { get; set; } = Role.User;

    public string Tier { get; set; } = Tiers.Free;

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSeenAt { get; set; }

    public DateTime? BannedAt { get; set; }

    public string? BanReason { get; set; }

    /// <summary>When a suspension ends (a ban with an end); null with <see cref="BannedAt"/> set: banned for good.</summary>
    public DateTime? BannedUntil { get; set; }

    /// <summary>When the account was deleted (anonymized, its data erased); the row stays so the ledger still names it.</summary>
    public DateTime? DeletedAt { get; set; }

    public int FollowerCount { get; set; }

    public int FollowingCount { get; set; }

    /// <summary>The RFC 6238 time step of the last TOTP code accepted: a code of that step or an earlier one is a replay.</summary>
    public long? LastTotpTimeStep { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool IsInRole(string role) => RoleList.Contains(role, StringComparer.Ordinal);

    /// <summary>Banned, or suspended and the suspension has not ended yet at <paramref name="now"/>.</summary>
    public bool IsBannedAt(DateTime now) => IsBannedAt(BannedAt, BannedUntil, now);

    /// <summary>The same rule for a projection that read only the two columns.</summary>
    public static bool IsBannedAt(DateTime? bannedAt, DateTime? bannedUntil, DateTime now) => bannedAt is not null && (bannedUntil is null || bannedUntil > now);
}

public static class Role
{
    public const string User = "user";
    public const string Creator = "creator";
    public const string Moderator = "moderator";
    public const string Admin = "admin";
    public static readonly string[] All = [User, Creator, Moderator, Admin];
}

public static class Tiers
{
    public const string Free = "free";
    public const string Premium = "premium";
    public const string Creator = "creator";
    public static readonly string[] All = [Free, Premium, Creator];
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.Ignore(u => u.Handle);
        builder.Ignore(u => u.RoleList);
        builder.Property(u => u.DisplayName).HasMaxLength(50);
        builder.Property(u => u.Bio).HasMaxLength(500);
        builder.Property(u => u.AvatarUrl).HasMaxLength(2048);
        builder.Property(u => u.Roles).HasMaxLength(100);
        builder.Property(u => u.Tier).HasMaxLength(20);
        builder.Property(u => u.BanReason).HasMaxLength(500);
        // The suspension-expiry job finds the suspensions that ended.
        builder.HasIndex(u => u.BannedUntil);
        // Who is banned now (leaderboards leave them out): few rows, found without reading every user.
        builder.HasIndex(u => u.BannedAt);
        // Identity leaves NormalizedEmail non-unique; a race between two registrations must not make two accounts.
        builder.HasIndex(u => u.NormalizedEmail).HasDatabaseName("EmailIndex").IsUnique();
        builder.HasIndex(u => u.CreatedAt);
    }
}

internal sealed class IdentityTableNames :
    IEntityTypeConfiguration<IdentityUserClaim<Guid>>,
    IEntityTypeConfiguration<IdentityUserLogin<Guid>>,
    IEntityTypeConfiguration<IdentityUserToken<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserClaim<Guid>> builder) => builder.ToTable("user_claims");

    public void Configure(EntityTypeBuilder<IdentityUserLogin<Guid>> builder) => builder.ToTable("user_logins");

    public void Configure(EntityTypeBuilder<IdentityUserToken<Guid>> builder) => builder.ToTable("user_tokens");
}
