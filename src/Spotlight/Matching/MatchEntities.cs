using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Matching;

/// <summary>
/// A user waiting for a partner (<c>match_queue</c>): one row per user, its key the user, so a second join (another
/// device, a retry) updates the filters and keeps the place in line instead of queueing twice.
/// </summary>
internal sealed class QueueEntry
{
    public Guid UserId { get; set; }

    /// <summary>Language codes, lower case, comma-separated (<c>en,fr</c>); null: any.</summary>
    public string? Languages { get; set; }

    /// <summary>Region code, upper case; null: any.</summary>
    public string? Region { get; set; }

    public DateTime JoinedAt { get; set; }
}

/// <summary>A pair that was matched (<c>matches</c>): its LiveKit room, each side's filters (for <c>next</c>), and how it ended.</summary>
internal sealed class Match
{
    public const int MaxRoomNameLength = 64;

    public Guid Id { get; set; }

    public Guid UserA { get; set; }

    public Guid UserB { get; set; }

    public required string RoomName { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary><see cref="MatchEndReasons"/>; null while the match is on.</summary>
    public string? EndReason { get; set; }

    public string? LanguagesA { get; set; }

    public string? RegionA { get; set; }

    public string? LanguagesB { get; set; }

    public string? RegionB { get; set; }

    public bool Has(Guid userId) => userId == UserA || userId == UserB;

    public Guid PartnerOf(Guid userId) => userId == UserA ? UserB : UserA;

    /// <summary>The filters <paramref name="userId"/> was queued with when this match was made.</summary>
    public MatchFilters FiltersOf(Guid userId) =>
        userId == UserA ? MatchFilters.FromStored(LanguagesA, RegionA) : MatchFilters.FromStored(LanguagesB, RegionB);

    public static string RoomFor(Guid matchId) => "match_" + matchId.ToString("N");
}

internal static class MatchEndReasons
{
    public const string Next = "next";
    public const string Report = "report";
    public const string RoomFinished = "room_finished";
}

internal sealed class QueueEntryConfiguration : IEntityTypeConfiguration<QueueEntry>
{
    public void Configure(EntityTypeBuilder<QueueEntry> builder)
    {
        builder.ToTable("match_queue");
        builder.HasKey(q => q.UserId);
        builder.Property(q => q.Languages).HasMaxLength(MatchFilters.MaxStoredLanguagesLength);
        builder.Property(q => q.Region).HasMaxLength(MatchFilters.MaxRegionLength);
        builder.HasIndex(q => q.JoinedAt);
        builder.HasOne<User>().WithOne().HasForeignKey<QueueEntry>(q => q.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MatchConfiguration : IEntityTypeConfiguration<Match>
{
    public void Configure(EntityTypeBuilder<Match> builder)
    {
        builder.ToTable("matches");
        builder.Property(m => m.RoomName).HasMaxLength(Match.MaxRoomNameLength);
        builder.Property(m => m.EndReason).HasMaxLength(32);
        builder.Property(m => m.LanguagesA).HasMaxLength(MatchFilters.MaxStoredLanguagesLength);
        builder.Property(m => m.LanguagesB).HasMaxLength(MatchFilters.MaxStoredLanguagesLength);
        builder.Property(m => m.RegionA).HasMaxLength(MatchFilters.MaxRegionLength);
        builder.Property(m => m.RegionB).HasMaxLength(MatchFilters.MaxRegionLength);
        builder.HasIndex(m => m.RoomName).IsUnique();
        // The recent-pair rule reads a candidate's matches started or ended in the last minutes, by either side.
        builder.HasIndex(m => new { m.UserA, m.StartedAt });
        builder.HasIndex(m => new { m.UserB, m.StartedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserA).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserB).OnDelete(DeleteBehavior.Cascade);
    }
}
