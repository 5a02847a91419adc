using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Data;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Accounts;

/// <summary>A single-use, expiring token sent by email (verification, password reset); only its hash is stored.</summary>
public sealed class OneTimeToken
{
    public const string EmailVerification = "email_verification";
    public const string PasswordReset = "password_reset";

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Purpose { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? UsedAt { get; set; }

    public static string Issue(SpotlightDb db, Guid userId, string purpose, DateTime now, TimeSpan lifetime)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        db.Add(new OneTimeToken
        {
            Id = Guid.CreateVersion7(), UserId = userId, Purpose = purpose, TokenHash = TokenService.HashRefreshToken(token),
            CreatedAt = now, ExpiresAt = now + lifetime,
        });
        return token;
    }

    /// <summary>Spends the token if it is live; the conditional update makes two concurrent uses spend it once.</summary>
    public static async Task<Guid?> RedeemAsync(SpotlightDb db, string? token, string purpose, DateTime now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var hash = TokenService.HashRefreshToken(token);
        var found = await db.Set<OneTimeToken>().AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose);
        if (found is null || found.UsedAt is not null || found.ExpiresAt < now)
        {
            return null;
        }

        var spent = await db.Set<OneTimeToken>().Where(t => t.Id == found.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now));
        return spent == 1 ? found.UserId : null;
    }
}

internal sealed class OneTimeTokenConfiguration : IEntityTypeConfiguration<OneTimeToken>
{
    public void Configure(EntityTypeBuilder<OneTimeToken> builder)
    {
        builder.ToTable("one_time_tokens");
        builder.Property(t => t.Purpose).HasMaxLength(30);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
