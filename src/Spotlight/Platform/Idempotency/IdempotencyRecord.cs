using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Platform.Idempotency;

/// <summary>One <c>Idempotency-Key</c> of one caller: in progress, or completed with the response to replay.</summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; set; }

    /// <summary>Whose key: <c>u:{userId}</c> or <c>ip:{address}</c>.</summary>
    public required string Scope { get; set; }

    public required string Key { get; set; }

    /// <summary>SHA-256 of method, path and body: a key reused for another request is refused.</summary>
    public required string Fingerprint { get; set; }

    public bool Completed { get; set; }

    public int? ResponseStatus { get; set; }

    public string? ResponseBody { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Until when the first request holds the key; past it a crashed request's key can be taken over.</summary>
    public DateTime LockedUntil { get; set; }

    public DateTime ExpiresAt { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_records");
        builder.Property(r => r.Scope).HasMaxLength(80);
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.Fingerprint).HasMaxLength(64);
        builder.HasIndex(r => new { r.Scope, r.Key }).IsUnique();
        builder.HasIndex(r => r.ExpiresAt);
    }
}
