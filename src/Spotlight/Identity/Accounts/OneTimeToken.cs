using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Data;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Accounts;

/// <summary>
/// A single-use, expiring token sent by email (verification, password reset); only its hash is stored. Each is bound to
/// the account's state when it was issued (<see cref="Binding"/>): a reset link dies with any change of the security
/// stamp (password change or reset, 2FA, roles, ban) or of the email, a verification link with a change of the email.
/// </summary>
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

    /// <summary>A hash of what the token is bound to: the security stamp and email for a reset, the email for verification.</summary>
    public required string Binding { get; set; }

    public static string Issue(SpotlightDb db, User user, string purpose, DateTime now, TimeSpan lifetime)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        db.Add(new OneTimeToken
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, Purpose = purpose, TokenHash = TokenService.HashRefreshToken(token),
            CreatedAt = now, ExpiresAt = now + lifetime, Binding = Bind(purpose, user.SecurityStamp, user.NormalizedEmail),
        });
        return token;
    }

    public static string Bind(string purpose, string? securityStamp, string? normalizedEmail) =>
        TokenService.HashRefreshToken(purpose == PasswordReset ? $"{purpose}|{securityStamp}|{normalizedEmail}" : $"{purpose}|{normalizedEmail}");

    /// <summary>
    /// Spends the token if it is live and the account is still as it was when the token was issued; the conditional
    /// update makes two concurrent uses spend it once. Returns the account as read (its stamp is what a reset must still find).
    /// </summary>
    public static async Task<User?> RedeemAsync(SpotlightDb db, string? token, string purpose, DateTime now)
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

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == found.UserId);
        if (user is null || !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(found.Binding), System.Text.Encoding.ASCII.GetBytes(Bind(purpose, user.SecurityStamp, user.NormalizedEmail))))
        {
            return null;
        }

        var spent = await db.Set<OneTimeToken>().Where(t => t.Id == found.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now));
        return spent == 1 ? user : null;
    }
}

internal sealed class OneTimeTokenConfiguration : IEntityTypeConfiguration<OneTimeToken>
{
    public void Configure(EntityTypeBuilder<OneTimeToken> builder)
    {
        builder.ToTable("one_time_tokens");
        builder.Property(t => t.Purpose).HasMaxLength(30);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Binding).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
