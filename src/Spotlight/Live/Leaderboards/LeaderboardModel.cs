using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Live.Leaderboards;

/// <summary>
/// One user's score on one board for one period. <see cref="ReachedAt"/> is when the score last grew (the latest scored
/// gift's time), so of two equal scores the one reached first ranks higher. Key (board, period, user); the read index is
/// (board, period, score desc, reached at, user).
/// </summary>
internal sealed class LeaderboardScore
{
    /// <summary><c>creators</c>, <c>gifters</c>, or <c>live:{id}</c> (a live's top gifters).</summary>
    public required string Board { get; set; }

    /// <summary><c>day:2026-11-29</c>, <c>week:2026-11-23</c> (the Monday) or <c>all</c>.</summary>
    public required string Period { get; set; }

    public Guid UserId { get; set; }

    public long Score { get; set; }

    public DateTime ReachedAt { get; set; }
}

/// <summary>
/// What one gift scored, one row per ledger transaction: its unique key makes a redelivered <c>GiftSent</c> score once,
/// and a reversal reads here what to take off. A reversal seen before its gift leaves a row with no amount (a tombstone),
/// so the late gift is not scored.
/// </summary>
internal sealed class LeaderboardContribution
{
    public Guid TransactionId { get; set; }

    public Guid SenderId { get; set; }

    public Guid RecipientId { get; set; }

    public Guid? LiveSessionId { get; set; }

    public long Amount { get; set; }

    public DateTime SentAt { get; set; }

    public DateTime? ReversedAt { get; set; }
}

internal sealed class LeaderboardConfiguration : IEntityTypeConfiguration<LeaderboardScore>, IEntityTypeConfiguration<LeaderboardContribution>
{
    public void Configure(EntityTypeBuilder<LeaderboardScore> builder)
    {
        builder.ToTable("leaderboard_scores");
        builder.HasKey(s => new { s.Board, s.Period, s.UserId });
        builder.Property(s => s.Board).HasMaxLength(40);
        builder.Property(s => s.Period).HasMaxLength(20);
        // The top N is one range of this index in order; a rank is a count of the entries before the caller's.
        builder.HasIndex(s => new { s.Board, s.Period, s.Score, s.ReachedAt, s.UserId }).IsDescending(false, false, true, false, false);
    }

    public void Configure(EntityTypeBuilder<LeaderboardContribution> builder)
    {
        builder.ToTable("leaderboard_contributions");
        builder.HasKey(c => c.TransactionId);
        builder.Property(c => c.TransactionId).ValueGeneratedNever();
        // A reversal recomputes "reached at" from the user's remaining gifts in the period.
        builder.HasIndex(c => new { c.SenderId, c.SentAt });
        builder.HasIndex(c => new { c.RecipientId, c.SentAt });
    }
}

/// <summary>Boards and their periods: a period is a key, so a reset is the next key starting empty (UTC; weeks start on Monday).</summary>
internal static class Boards
{
    public const string Creators = "creators";
    public const string Gifters = "gifters";
    public const string All = "all";

    public static string Live(Guid liveId) => "live:" + liveId.ToString("N");

    public static DateTime DayStart(DateTime at) => at.Date;

    public static DateTime WeekStart(DateTime at) => at.Date.AddDays(-(((int)at.DayOfWeek + 6) % 7));

    public static string Day(DateTime at) => "day:" + DayStart(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Week(DateTime at) => "week:" + WeekStart(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The key of <paramref name="period"/> (<c>day</c>, <c>week</c>, <c>all</c>) containing <paramref name="at"/>; null for another name.</summary>
    public static string? PeriodKey(string period, DateTime at) => period switch
    {
        "day" => Day(at),
        "week" => Week(at),
        "all" => All,
        _ => null,
    };

    /// <summary>Every (board, period, user) a gift scores: the live's top gifters, and the creators and gifters boards for day, week and all time.</summary>
    public static IEnumerable<(string Board, string Period, Guid UserId)> Targets(LeaderboardContribution gift)
    {
        if (gift.LiveSessionId is { } live)
        {
            yield return (Live(live), All, gift.SenderId);
        }

        foreach (var (board, user) in new[] { (Creators, gift.RecipientId), (Gifters, gift.SenderId) })
        {
            yield return (board, Day(gift.SentAt), user);
            yield return (board, Week(gift.SentAt), user);
            yield return (board, All, user);
        }
    }

    /// <summary>The gifts still counted toward one (board, period, user): what a reversal recomputes "reached at" from.</summary>
    public static IQueryable<LeaderboardContribution> CountedToward(IQueryable<LeaderboardContribution> gifts, string board, string period, Guid userId)
    {
        gifts = gifts.Where(c => c.ReversedAt == null && c.Amount > 0);
        var live = board.StartsWith("live:", StringComparison.Ordinal) ? Guid.ParseExact(board["live:".Length..], "N") : Guid.Empty;
        gifts = board switch
        {
            Creators => gifts.Where(c => c.RecipientId == userId),
            Gifters => gifts.Where(c => c.SenderId == userId),
            _ => gifts.Where(c => c.LiveSessionId == live && c.SenderId == userId),
        };
        if (period == All)
        {
            return gifts;
        }

        var start = DateTime.ParseExact(period[(period.IndexOf(':', StringComparison.Ordinal) + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var end = start.AddDays(period.StartsWith("day:", StringComparison.Ordinal) ? 1 : 7);
        return gifts.Where(c => c.SentAt >= start && c.SentAt < end);
    }
}

/// <summary><c>Leaderboards</c> settings.</summary>
internal sealed class LeaderboardOptions
{
    public const string Section = "Leaderboards";

    /// <summary>Day and week periods are deleted this many days after they end (<c>all</c> and lives' boards are kept).</summary>
    public int KeepDays { get; set; } = 90;

    /// <summary>A caller's rank is counted exactly down to this rank; below it, it comes from a copy of the board (<see cref="LeaderboardRankSnapshots"/>).</summary>
    public int ExactRanks { get; set; } = 1_000;

    /// <summary>How old a board's copy for deep ranks may be before a read has it made again.</summary>
    public int RankSnapshotSeconds { get; set; } = 60;
}
