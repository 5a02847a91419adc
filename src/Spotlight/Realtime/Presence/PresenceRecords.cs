using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Realtime.Presence;

/// <summary>A server node that holds hub connections; it proves it is alive by <see cref="HeartbeatAt"/>.</summary>
public sealed class RealtimeNodeRecord
{
    public required string Id { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime HeartbeatAt { get; set; }
}

/// <summary>One open hub connection, on one node. A connection counts only while its node's heartbeat is fresh.</summary>
public sealed class RealtimeConnection
{
    public required string ConnectionId { get; set; }

    public Guid UserId { get; set; }

    public required string NodeId { get; set; }

    public DateTime ConnectedAt { get; set; }
}

/// <summary>
/// Whether a user was last announced online. The row is also the lock that orders one user's connects and disconnects
/// across nodes, so that "came online" and "went offline" are each announced once.
/// </summary>
public sealed class UserPresence
{
    public Guid UserId { get; set; }

    public bool Online { get; set; }

    public DateTime ChangedAt { get; set; }
}

internal sealed class PresenceConfiguration :
    IEntityTypeConfiguration<RealtimeNodeRecord>, IEntityTypeConfiguration<RealtimeConnection>, IEntityTypeConfiguration<UserPresence>
{
    public void Configure(EntityTypeBuilder<RealtimeNodeRecord> builder)
    {
        builder.ToTable("realtime_nodes");
        builder.Property(n => n.Id).HasMaxLength(100);
        builder.HasIndex(n => n.HeartbeatAt);
    }

    public void Configure(EntityTypeBuilder<RealtimeConnection> builder)
    {
        builder.ToTable("realtime_connections");
        builder.HasKey(c => c.ConnectionId);
        builder.Property(c => c.ConnectionId).HasMaxLength(64);
        builder.Property(c => c.NodeId).HasMaxLength(100);
        builder.HasIndex(c => c.UserId);
        builder.HasIndex(c => new { c.NodeId, c.UserId });
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<UserPresence> builder)
    {
        builder.ToTable("user_presence");
        builder.HasKey(p => p.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
