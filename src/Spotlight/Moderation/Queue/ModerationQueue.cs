using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Moderation.Reports;
using Spotlight.Moderation.Targets;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Moderation.Queue;

public sealed record ReasonCount(string Reason, int Count);

public sealed record CaseAuthor(Guid Id, string Handle, string? DisplayName, bool IsBanned);

public sealed record CaseResolution(string Action, string Reason, int? Days, DateTime ResolvedAt, Guid? ResolvedBy);

/// <summary>One reporter's report, for a moderator (the note is the reporter's own words).</summary>
public sealed record CaseReport(Guid Id, Guid ReporterId, string Reason, string? Note, DateTime CreatedAt);

/// <summary>
/// A queue item: a target with every report of it while open. <see cref="Preview"/> and <see cref="MediaUrls"/> are the
/// target as it is now (as it was when first reported, if it is gone); media URLs are this server's relative paths.
/// </summary>
public sealed record ReportCaseResponse(
    Guid Id, string TargetType, Guid TargetId, CaseAuthor? Author, string Preview, IReadOnlyList<string> MediaUrls, bool TargetExists, int ReportCount,
    IReadOnlyList<ReasonCount> Reasons, DateTime FirstReportedAt, DateTime LastReportedAt, string Status, CaseResolution? Resolution,
    IReadOnlyList<CaseReport>? Reports = null);

/// <summary>Reads the moderators' queue: pages of cases, one case with its reports, an author's earlier cases.</summary>
public sealed class ModerationQueue(SpotlightDb db, ReportTargetRegistry targets, IUserDirectory users)
{
    public static readonly string[] Statuses = [CaseStatus.Open, CaseStatus.Resolved, "all"];

    /// <summary>Cases by status, newest first (by id: UUID v7).</summary>
    public async Task<Outcome<Page<ReportCaseResponse>>> PageAsync(string? status, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        status ??= CaseStatus.Open;
        if (!Statuses.Contains(status, StringComparer.Ordinal))
        {
            return Refusal.Invalid("status", $"One of: {string.Join(", ", Statuses)}.");
        }

        if (limit is < 1 or > PageRequest.MaxLimit)
        {
            return Refusal.Invalid("limit", $"Use a limit from 1 to {PageRequest.MaxLimit}.");
        }

        if (!PageRequest.TryParse(limit, cursor, out var page, out _))
        {
            return Refusal.Invalid("cursor", "Use a cursor the server issued.");
        }

        var cases = db.Set<ModerationCase>().AsNoTracking();
        if (status != "all")
        {
            cases = cases.Where(c => c.Status == status);
        }

        if (page.After is { } after)
        {
            cases = cases.Where(c => c.Id.CompareTo(after) < 0);
        }

        var rows = await cases.OrderByDescending(c => c.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var shaped = await ShapeAsync(rows.Take(page.Limit).ToList(), withReports: false, cancellationToken);
        var byId = shaped.ToDictionary(c => c.Id);
        return page.ToPage(rows, c => c.Id, c => byId.GetValueOrDefault(c.Id)!);
    }

    public async Task<ReportCaseResponse?> FindAsync(Guid caseId, CancellationToken cancellationToken)
    {
        var row = await db.Set<ModerationCase>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken);
        return row is null ? null : (await ShapeAsync([row], withReports: true, cancellationToken))[0];
    }

    /// <summary>The author's cases other than <paramref name="exceptCaseId"/>, newest first: what was reported and decided before.</summary>
    public async Task<IReadOnlyList<ReportCaseResponse>> AuthorHistoryAsync(Guid authorId, Guid? exceptCaseId, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.Set<ModerationCase>().AsNoTracking().Where(c => c.AuthorId == authorId && c.Id != exceptCaseId)
            .OrderByDescending(c => c.Id).Take(limit).ToListAsync(cancellationToken);
        return await ShapeAsync(rows, withReports: false, cancellationToken, refreshTargets: false);
    }

    private async Task<IReadOnlyList<ReportCaseResponse>> ShapeAsync(
        IReadOnlyList<ModerationCase> rows, bool withReports, CancellationToken cancellationToken, bool refreshTargets = true)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(c => c.Id).ToList();
        var reasons = (await db.Set<Report>().AsNoTracking().Where(r => ids.Contains(r.CaseId))
                .GroupBy(r => new { r.CaseId, r.Reason }).Select(g => new { g.Key.CaseId, g.Key.Reason, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToLookup(r => r.CaseId);
        var reports = withReports
            ? (await db.Set<Report>().AsNoTracking().Where(r => ids.Contains(r.CaseId)).OrderBy(r => r.Id).ToListAsync(cancellationToken)).ToLookup(r => r.CaseId)
            : null;
        var authors = await users.FactsAsync(rows.Where(c => c.AuthorId is not null).Select(c => c.AuthorId!.Value).ToList(), cancellationToken);
        var result = new List<ReportCaseResponse>(rows.Count);
        foreach (var c in rows)
        {
            // Staff see the target as it is now (fresh media URLs; signed ones expire); the stored snapshot if it is gone.
            var now = refreshTargets && c.Status == CaseStatus.Open && targets.Find(c.TargetType) is { } target
                ? await target.FindAsync(c.TargetId, null, cancellationToken)
                : null;
            var author = c.AuthorId is { } a && authors.TryGetValue(a, out var facts) ? new CaseAuthor(a, facts.Handle, facts.DisplayName, facts.IsBanned) : null;
            result.Add(new ReportCaseResponse(
                c.Id, c.TargetType, c.TargetId, author, now?.Preview ?? c.Preview,
                now?.MediaUrls ?? JsonSerializer.Deserialize<string[]>(c.MediaUrls) ?? [], now is not null || !refreshTargets || c.Status != CaseStatus.Open,
                c.ReportCount, reasons[c.Id].OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal).Select(r => new ReasonCount(r.Reason, r.Count)).ToList(),
                c.FirstReportedAt, c.LastReportedAt, c.Status,
                c.Action is { } action ? new CaseResolution(action, c.ResolutionReason ?? "", c.Days, c.ResolvedAt ?? c.LastReportedAt, c.ResolvedBy) : null,
                reports?[c.Id].Select(r => new CaseReport(r.Id, r.ReporterId, r.Reason, r.Note, r.CreatedAt)).ToList()));
        }

        return result;
    }
}
