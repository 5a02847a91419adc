using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Identity.Passkeys;

/// <summary>A WebAuthn credential (passkey) of one account: its public key and the authenticator's last signature counter.</summary>
public sealed class PasskeyCredential
{
    public const int MaxCredentialIdLength = 1023;

    /// <summary>What Spotlight enrols: 20 such ids base64url-encoded still fit a ceremony's stored options.</summary>
    public const int MaxAcceptedCredentialIdLength = 255;
    public const int MaxNameLength = 64;

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>The authenticator's credential id (WebAuthn allows up to 1023 bytes); unique across accounts.</summary>
    public required byte[] CredentialId { get; set; }

    /// <summary>The COSE-encoded public key from the attestation.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The highest signature counter seen; an assertion that does not move it forward is refused (a cloned key).</summary>
    public long SignCount { get; set; }

    public required string Name { get; set; }

    /// <summary>Comma-separated transports the browser reported (usb, nfc, ble, internal, hybrid); hints for later ceremonies.</summary>
    public string? Transports { get; set; }

    public bool BackedUp { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }
}

/// <summary>
/// A ceremony begun and not yet finished: the options (with their challenge) the server sent, kept server-side so the
/// client cannot choose its own challenge. Finishing deletes it, so a challenge answers at most once; it expires soon.
/// </summary>
public sealed class PasskeyCeremony
{
    public const string Registration = "registration";
    public const string Assertion = "assertion";

    public Guid Id { get; set; }

    /// <summary>Who began it: the account a registration adds to, or the account a second-factor assertion must prove; null for a passwordless sign-in.</summary>
    public Guid? UserId { get; set; }

    public required string Purpose { get; set; }

    /// <summary>Fido2's options as JSON.</summary>
    public required string Options { get; set; }

    public DateTime ExpiresAt { get; set; }
}

internal sealed class PasskeyConfiguration : IEntityTypeConfiguration<PasskeyCredential>, IEntityTypeConfiguration<PasskeyCeremony>
{
    public void Configure(EntityTypeBuilder<PasskeyCredential> builder)
    {
        builder.ToTable("passkey_credentials");
        builder.Property(p => p.CredentialId).HasMaxLength(PasskeyCredential.MaxCredentialIdLength);
        builder.Property(p => p.PublicKey).HasMaxLength(2048);
        builder.Property(p => p.Name).HasMaxLength(PasskeyCredential.MaxNameLength);
        builder.Property(p => p.Transports).HasMaxLength(100);
        builder.HasIndex(p => p.CredentialId).IsUnique();
        builder.HasIndex(p => p.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PasskeyCeremony> builder)
    {
        builder.ToTable("passkey_ceremonies");
        builder.Property(c => c.Purpose).HasMaxLength(20);
        builder.Property(c => c.Options).HasMaxLength(16_000);
        builder.HasIndex(c => c.ExpiresAt);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
