using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Live.Lives;
using Spotlight.Platform.Events;

namespace Spotlight.Live.Battles;

/// <summary>
/// A PK battle between two lives: the inviter's side and the opponent's side, each with its score in coins. Invited →
/// accepted (<c>active</c> from <see cref="StartedAt"/> to <see cref="EndsAt"/>) → <c>ended</c>; or <c>declined</c>, or
/// <c>expired</c> when the invitation lapsed (or a live ended before it was accepted).
/// </summary>
internal sealed class PkBattle
{
    public Guid Id { get; set; }

    public Guid InviterLiveId { get; set; }

    public Guid InviterCreatorId { get; set; }

    public long InviterScore { get; set; }

    public Guid OpponentLiveId { get; set; }

    public Guid OpponentCreatorId { get; set; }

    public long OpponentScore { get; set; }

    /// <summary><see cref="PkStatus"/>.</summary>
    public required string Status { get; set; }

    public int DurationSeconds { get; set; }

    public DateTime InvitedAt { get; set; }

    /// <summary>When the invitation lapses (<c>Pk:InvitationSeconds</c> after it was sent).</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? EndsAt { get; set; }

    /// <summary>When it was ended, declined or expired.</summary>
    public DateTime? ClosedAt { get; set; }

    /// <summary><see cref="PkEndReason"/> once ended.</summary>
    public string? EndReason { get; set; }

    public Guid? WinnerLiveId { get; set; }

    public bool Involves(Guid liveId) => InviterLiveId == liveId || OpponentLiveId == liveId;

    /// <summary>The status a reader sees: an invitation past its time is <c>expired</c> even before the sweep marks it.</summary>
    public string StatusAt(DateTime now) => Status == PkStatus.Invited && now >= ExpiresAt ? PkStatus.Expired : Status;
}

/// <summary>
/// A live's one battle slot: a row per live while its battle is invited or active, deleted when the battle closes. The
/// key is the live, so a second battle for a live fails on the primary key however the requests race, on either database.
/// </summary>
internal sealed class PkLiveSlot
{
    public Guid LiveId { get; set; }

    public Guid BattleId { get; set; }
}

/// <summary>One gift scored for one side, keyed by the ledger transaction: a redelivered <c>GiftSent</c> scores nothing.</summary>
internal sealed class PkContribution
{
    public Guid TransactionId { get; set; }

    public Guid BattleId { get; set; }

    public Guid LiveId { get; set; }

    public long Amount { get; set; }

    public DateTime SentAt { get; set; }
}

internal static class PkStatus
{
    public const string Invited = "invited";
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Declined = "declined";
    public const string Expired = "expired";
}

internal static class PkEndReason
{
    /// <summary><c>endsAt</c> passed.</summary>
    public const string Time = "time";

    /// <summary>One side's live ended: the other side wins.</summary>
    public const string Forfeit = "forfeit";
}

/// <summary>A battle ended (once): the final scores and the winner (<c>null</c> on a tie).</summary>
public sealed record PkEnded(
    Guid PkId, Guid InviterLiveId, long InviterScore, Guid OpponentLiveId, long OpponentScore, Guid? WinnerLiveId, string Reason, DateTime EndedAt) : IDomainEvent;

/// <summary><c>Pk</c> settings.</summary>
internal sealed class PkOptions
{
    public const string Section = "Pk";

    /// <summary>An invitation not answered in this time is <c>expired</c>.</summary>
    public int InvitationSeconds { get; set; } = 30;

    /// <summary>A battle's length when the invitation names none (60–900).</summary>
    public int DefaultDurationSeconds { get; set; } = 300;

    /// <summary>How often the sweep ends battles whose time is up and marks lapsed invitations (the jobs' floor is 1 s).</summary>
    public int SweepIntervalSeconds { get; set; } = 1;

    public const int MinDurationSeconds = 60;
    public const int MaxDurationSeconds = 900;

    public static IEnumerable<string> Problems(PkOptions options)
    {
        if (options.InvitationSeconds is < 5 or > 600)
        {
            yield return "Pk:InvitationSeconds must be from 5 to 600.";
        }

        if (options.DefaultDurationSeconds is < MinDurationSeconds or > MaxDurationSeconds)
        {
            yield return $"Pk:DefaultDurationSeconds must be from {MinDurationSeconds} to {MaxDurationSeconds}.";
        }

        if (options.SweepIntervalSeconds < 1)
        {
            yield return "Pk:SweepIntervalSeconds must be at least 1.";
        }
    }
}

internal sealed class PkConfiguration :
    IEntityTypeConfiguration<PkBattle>, IEntityTypeConfiguration<PkLiveSlot>, IEntityTypeConfiguration<PkContribution>
{
    public void Configure(EntityTypeBuilder<PkBattle> builder)
    {
        builder.ToTable("pk_battles");
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.Status).HasMaxLength(16);
        builder.Property(b => b.EndReason).HasMaxLength(16);
        builder.HasIndex(b => new { b.Status, b.EndsAt });
        builder.HasIndex(b => new { b.Status, b.ExpiresAt });
        // A creator's history, newest first (ids are UUID v7), from either side.
        builder.HasIndex(b => new { b.InviterCreatorId, b.Id });
        builder.HasIndex(b => new { b.OpponentCreatorId, b.Id });
        builder.HasIndex(b => b.InviterLiveId);
        builder.HasIndex(b => b.OpponentLiveId);
        builder.HasOne<LiveSession>().WithMany().HasForeignKey(b => b.InviterLiveId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<LiveSession>().WithMany().HasForeignKey(b => b.OpponentLiveId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PkLiveSlot> builder)
    {
        builder.ToTable("pk_live_slots");
        builder.HasKey(s => s.LiveId);
        builder.Property(s => s.LiveId).ValueGeneratedNever();
        builder.HasIndex(s => s.BattleId);
    }

    public void Configure(EntityTypeBuilder<PkContribution> builder)
    {
        builder.ToTable("pk_contributions");
        builder.HasKey(c => c.TransactionId);
        builder.Property(c => c.TransactionId).ValueGeneratedNever();
        builder.HasIndex(c => c.BattleId);
    }
}
