using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Moderation.Reports;

/// <summary>The reasons a report may give (API.md, <c>POST /reports</c> <c>reason</c>).</summary>
public static class ReportReasons
{
    public const string Spam = "spam";
    public const string Harassment = "harassment";
    public const string Nudity = "nudity";
    public const string Violence = "violence";
    public const string Hate = "hate";
    public const string Scam = "scam";
    public const string Other = "other";
    public static readonly string[] All = [Spam, Harassment, Nudity, Violence, Hate, Scam, Other];
}

/// <summary>What a moderator may decide (API.md, Admin <c>POST /reports/{id}/resolve</c> <c>action</c>).</summary>
public static class ModerationActions
{
    public const string Dismiss = "dismiss";
    public const string Hide = "hide";
    public const string Remove = "remove";
    public const string Warn = "warn";
    public const string Suspend = "suspend";
    public const string Ban = "ban";
    public static readonly string[] All = [Dismiss, Hide, Remove, Warn, Suspend, Ban];
}

public static class CaseStatus
{
    public const string Open = "open";
    public const string Resolved = "resolved";
}

/// <summary>
/// One queue item: every report of one target while it is open. A burst of reports on a target is one case with a count,
/// not a flood: <see cref="OpenKey"/> (<c>type:id</c> while open, null once resolved) is unique, so concurrent reporters
/// all land on the same case; a report after the resolution opens a new one.
/// </summary>
public sealed class ModerationCase
{
    public Guid Id { get; set; }

    public required string TargetType { get; set; }

    public Guid TargetId { get; set; }

    /// <summary>Whose the target is, when it has an author (a user's own id for a <c>user</c> report).</summary>
    public Guid? AuthorId { get; set; }

    public string? OpenKey { get; set; }

    public string Status { get; set; } = CaseStatus.Open;

    public int ReportCount { get; set; }

    /// <summary>The target as the first reporter saw it, kept in case it is deleted before a moderator looks.</summary>
    public string Preview { get; set; } = "";

    /// <summary>JSON array of the media URLs of that snapshot (relative, this server's).</summary>
    public string MediaUrls { get; set; } = "[]";

    public DateTime FirstReportedAt { get; set; }

    public DateTime LastReportedAt { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public Guid? ResolvedBy { get; set; }

    /// <summary>One of <see cref="ModerationActions"/>.</summary>
    public string? Action { get; set; }

    public string? ResolutionReason { get; set; }

    /// <summary>For a suspension: how many days.</summary>
    public int? Days { get; set; }

    public static string KeyOf(string type, Guid id) => $"{type}:{id:N}";
}

/// <summary>One user's report of one target; at most one per reporter in an open case (a second try returns the first).</summary>
public sealed class Report
{
    public const int MaxNoteLength = 1000;

    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    public Guid ReporterId { get; set; }

    public required string TargetType { get; set; }

    public Guid TargetId { get; set; }

    public required string Reason { get; set; }

    public string? Note { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Null while open; then the case's action.</summary>
    public string? Outcome { get; set; }

    public DateTime? ResolvedAt { get; set; }
}

internal sealed class ModerationCaseConfiguration : IEntityTypeConfiguration<ModerationCase>
{
    public void Configure(EntityTypeBuilder<ModerationCase> builder)
    {
        builder.ToTable("moderation_cases");
        builder.Property(c => c.TargetType).HasMaxLength(16);
        builder.Property(c => c.OpenKey).HasMaxLength(64);
        builder.Property(c => c.Status).HasMaxLength(16);
        builder.Property(c => c.Preview).HasMaxLength(2000);
        builder.Property(c => c.MediaUrls).HasMaxLength(8000);
        builder.Property(c => c.Action).HasMaxLength(16);
        builder.Property(c => c.ResolutionReason).HasMaxLength(500);
        // One open case per target: the row concurrent reporters converge on (NULLs, resolved cases, never collide).
        builder.HasIndex(c => c.OpenKey).IsUnique();
        // The queue by status, newest first; an author's history; a target's past cases.
        builder.HasIndex(c => new { c.Status, c.Id });
        builder.HasIndex(c => new { c.AuthorId, c.Id });
        builder.HasIndex(c => new { c.TargetType, c.TargetId });
    }
}

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> builder)
    {
        builder.ToTable("reports");
        builder.Property(r => r.TargetType).HasMaxLength(16);
        builder.Property(r => r.Reason).HasMaxLength(16);
        builder.Property(r => r.Note).HasMaxLength(Report.MaxNoteLength);
        builder.Property(r => r.Outcome).HasMaxLength(16);
        builder.HasIndex(r => new { r.CaseId, r.ReporterId }).IsUnique();
        // "Reports filed" for an account's export, and a reporter's history.
        builder.HasIndex(r => new { r.ReporterId, r.Id });
    }
}
