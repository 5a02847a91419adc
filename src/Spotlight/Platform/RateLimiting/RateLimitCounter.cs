using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Platform.RateLimiting;

/// <summary>
/// A fixed-window counter shared by all nodes (used when <c>RateLimiting:Store</c> is <c>postgres</c>). On PostgreSQL the table
/// is <c>UNLOGGED</c> (migration <c>RateLimitCountersUnlogged</c>): a hit commits without waiting for a WAL flush, and a
/// PostgreSQL crash empties it.
/// </summary>
public sealed class RateLimitCounter
{
    public required string Key { get; set; }

    public long WindowStart { get; set; }

    public long Count { get; set; }

    public DateTime ExpiresAt { get; set; }
}

internal sealed class RateLimitCounterConfiguration : IEntityTypeConfiguration<RateLimitCounter>
{
    public void Configure(EntityTypeBuilder<RateLimitCounter> builder)
    {
        builder.ToTable("rate_limit_counters");
        builder.HasKey(c => new { c.Key, c.WindowStart });
        builder.Property(c => c.Key).HasMaxLength(200);
        builder.HasIndex(c => c.ExpiresAt);
    }
}
