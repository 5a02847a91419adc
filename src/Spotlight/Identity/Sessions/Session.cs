using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Identity.Sessions;

/// <summary>A sign-in on one device: a family of refresh tokens (RFC 9700). Revoking it kills every token in it.</summary>
public sealed class Session
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string? UserAgent { get; set; }

    public string? Ip { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastUsedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }

    /// <summary>How the user signed in (<see cref="Tokens.AuthenticationMethods"/>, space-separated): every token of the family says it.</summary>
    public string Amr { get; set; } = "";
    /// <summary>
    /// When the user changed their security stamp from this session (password change, 2FA on), the stamp hash this
    /// session's access tokens carry: they stay good until <see cref="KeptStampUntil"/> (their expiry), so the device that
    /// made the change keeps working while every other session ends.
    /// </summary>
    public string? KeptStampHash { get; set; }

    public DateTime? KeptStampUntil { get; set; }
}

/// <summary>One refresh token; only its SHA-256 is stored. Spent once used; a spent token presented again is theft.</summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? SpentAt { get; set; }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>, IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.Property(s => s.UserAgent).HasMaxLength(512);
        builder.Property(s => s.Ip).HasMaxLength(64);
        builder.Property(s => s.RevokedReason).HasMaxLength(50);
        builder.Property(s => s.Amr).HasMaxLength(100);
        builder.Property(s => s.KeptStampHash).HasMaxLength(16);
        builder.HasIndex(s => new { s.UserId, s.RevokedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.ToTable("refresh_tokens");
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.SessionId);
        builder.HasOne<Session>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
