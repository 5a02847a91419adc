using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;
using Spotlight.Platform.Events;

namespace Spotlight.Live.Lives;

/// <summary>A creator's live stream: one LiveKit room, <c>live</c> until the creator, a moderator or LiveKit ends it.</summary>
public sealed class LiveSession
{
    public const int MaxTitleLength = 140;
    public const int MaxRoomNameLength = 64;

    public Guid Id { get; set; }

    public Guid CreatorId { get; set; }

    /// <summary>
    /// The creator's id while the live is on, <c>null</c> once it ended: unique, so a creator has one live at a time even
    /// when two starts race (on any node, either provider, without a filtered index).
    /// </summary>
    public Guid? OnAirCreatorId { get; set; }

    public required string Title { get; set; }

    /// <summary><see cref="LiveVisibility"/>.</summary>
    public required string Visibility { get; set; }

    /// <summary>The LiveKit room (<c>live_{id}</c>).</summary>
    public required string RoomName { get; set; }

    /// <summary><see cref="LiveStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>How many people watch (rows of <c>live_viewers</c>: through LiveKit, the hub, or both), never the creator.</summary>
    public int ViewerCount { get; set; }

    /// <summary>When a node last claimed the second to send <c>liveViewers</c>: at most one a second per live across nodes.</summary>
    public DateTime? ViewersSentAt { get; set; }

    /// <summary>When LiveKit last showed the creator in the room (the start until then): the watch ends lives not confirmed for long.</summary>
    public DateTime LastConfirmedAt { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary><see cref="LiveEndReason"/>; <c>null</c> while live.</summary>
    public string? EndReason { get; set; }

    public Guid? EndedBy { get; set; }
}

public static class LiveStatus
{
    public const string Live = "live";
    public const string Ended = "ended";
}

public static class LiveVisibility
{
    public const string Public = "public";
    public const string Followers = "followers";
    public const string Subscribers = "subscribers";
    public static readonly string[] All = [Public, Followers, Subscribers];
}

public static class LiveEndReason
{
    public const string Creator = "creator";
    public const string Moderator = "moderator";

    /// <summary>LiveKit closed the room (<c>room_finished</c>).</summary>
    public const string RoomFinished = "room_finished";

    /// <summary>The creator was not in the room for <c>Live:AbsentTimeoutSeconds</c>.</summary>
    public const string Abandoned = "abandoned";

    /// <summary>LiveKit could not be asked for <c>Live:UnreachableTimeoutSeconds</c>.</summary>
    public const string Timeout = "timeout";
}

/// <summary>A creator went live.</summary>
public sealed record LiveStarted(Guid LiveId, Guid CreatorId, string Title, string Visibility, DateTime StartedAt) : IDomainEvent;

/// <summary>A live ended (<see cref="LiveEndReason"/>); raised once per live.</summary>
public sealed record LiveEnded(Guid LiveId, Guid CreatorId, string Reason, DateTime EndedAt) : IDomainEvent;

internal sealed class LiveSessionConfiguration : IEntityTypeConfiguration<LiveSession>
{
    public void Configure(EntityTypeBuilder<LiveSession> builder)
    {
        builder.ToTable("live_sessions");
        builder.Property(l => l.Title).HasMaxLength(LiveSession.MaxTitleLength);
        builder.Property(l => l.Visibility).HasMaxLength(16);
        builder.Property(l => l.RoomName).HasMaxLength(LiveSession.MaxRoomNameLength);
        builder.Property(l => l.Status).HasMaxLength(16);
        builder.Property(l => l.EndReason).HasMaxLength(32);
        builder.HasIndex(l => l.RoomName).IsUnique();
        builder.HasIndex(l => l.OnAirCreatorId).IsUnique();
        builder.HasIndex(l => new { l.CreatorId, l.StartedAt });
        builder.HasIndex(l => new { l.Status, l.StartedAt });
        builder.HasIndex(l => new { l.Status, l.LastConfirmedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(l => l.CreatorId).OnDelete(DeleteBehavior.Cascade);
    }
}
