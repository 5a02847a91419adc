using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// A durable copy of a signal sent by NOTIFY (PostgreSQL only). NOTIFY reaches only the listeners connected at that
/// moment; a node whose listening connection dropped reads these rows for the time it was away. Kept for an hour.
/// </summary>
public sealed class RealtimeEvent
{
    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public required string Payload { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class RealtimeEventConfiguration : IEntityTypeConfiguration<RealtimeEvent>
{
    public void Configure(EntityTypeBuilder<RealtimeEvent> builder)
    {
        builder.ToTable("realtime_events");
        builder.Property(e => e.Kind).HasMaxLength(30);
        builder.Property(e => e.Payload).HasMaxLength(8000);
        builder.HasIndex(e => e.CreatedAt);
    }
}
