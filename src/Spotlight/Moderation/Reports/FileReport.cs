using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Moderation.Targets;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Moderation.Reports;

/// <summary><c>POST /reports</c>. Unknown fields are refused.</summary>
public sealed record FileReportRequest(string? TargetType, Guid? TargetId, string? Reason, string? Note);

/// <summary>What a reporter gets back: their report and whether it is still open.</summary>
public sealed record ReportResponse(Guid Id, string Status, string TargetType, Guid TargetId, string Reason, string? Note, DateTime CreatedAt)
{
    public static ReportResponse From(Report r) =>
        new(r.Id, r.Outcome is null ? CaseStatus.Open : CaseStatus.Resolved, r.TargetType, r.TargetId, r.Reason, r.Note, r.CreatedAt);
}

/// <summary>A user reported something (a new report, not a repeated one): webhooks' <c>report.created</c>.</summary>
public sealed record ReportFiled(Guid ReportId, Guid CaseId, string TargetType, Guid TargetId, string Reason, int ReportCount) : IDomainEvent;

/// <summary>
/// Files a report. The reporter must be able to see the target (else 404, as if it did not exist) and may not report
/// themselves or their own content (400 <c>cannot_report_self</c>). In one transaction: open the target's case unless one
/// is open (the unique open key makes concurrent reporters converge on one row), lock it, add the report unless this
/// reporter already has one in it (then the first is returned), count it. The lock also orders a report against a
/// moderator resolving the case, so no report lands in a case after its decision.
/// </summary>
public sealed class FileReport(SpotlightDb db, ReportTargetRegistry targets, DomainEvents events, TimeProvider time)
{
    private const int MaxPreviewLength = 2000;
    private const int MaxMediaUrls = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Filed(ReportResponse Report, bool Existing);

    public async Task<Outcome<Filed>> HandleAsync(Guid reporterId, FileReportRequest request, CancellationToken cancellationToken)
    {
        if (Check(request) is { } invalid)
        {
            return invalid;
        }

        var type = request.TargetType!;
        var targetId = request.TargetId!.Value;
        var target = targets.Find(type);
        var snapshot = target is null ? null : await target.FindAsync(targetId, reporterId, cancellationToken);
        if (snapshot is null)
        {
            return Refusal.NotFound($"No {type} you can see has this id.");
        }

        if (snapshot.AuthorId == reporterId)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_report_self", "You cannot report yourself or what you made.");
        }

        var key = ModerationCase.KeyOf(type, targetId);
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var preview = snapshot.Preview.Length > MaxPreviewLength ? snapshot.Preview[..MaxPreviewLength] : snapshot.Preview;
        var media = JsonSerializer.Serialize(snapshot.MediaUrls.Take(MaxMediaUrls), Json);
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO moderation_cases ("Id", "TargetType", "TargetId", "AuthorId", "OpenKey", "Status", "ReportCount", "Preview", "MediaUrls", "FirstReportedAt", "LastReportedAt")
                VALUES ({Guid.CreateVersion7()}, {type}, {targetId}, {snapshot.AuthorId}, {key}, {CaseStatus.Open}, 0, {preview}, {media}, {now}, {now})
                ON CONFLICT ("OpenKey") DO NOTHING
                """, cancellationToken);
            // A write that changes nothing, to hold the case's row until commit (SELECT ... FOR UPDATE, on both engines).
            var locked = await db.Database.SqlQuery<Guid>($"""
                UPDATE moderation_cases SET "ReportCount" = "ReportCount" WHERE "OpenKey" = {key} RETURNING "Id" AS "Value"
                """).ToListAsync(cancellationToken);
            if (locked.Count == 0)
            {
                // Resolved between the two statements: open a new case.
                await transaction.RollbackAsync(cancellationToken);
                if (attempt == 3)
                {
                    throw new InvalidOperationException($"The open case of {key} kept closing under a report.");
                }

                continue;
            }

            var caseId = locked[0];
            var reportId = Guid.CreateVersion7();
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reports ("Id", "CaseId", "ReporterId", "TargetType", "TargetId", "Reason", "Note", "CreatedAt")
                VALUES ({reportId}, {caseId}, {reporterId}, {type}, {targetId}, {request.Reason}, {note}, {now})
                ON CONFLICT ("CaseId", "ReporterId") DO NOTHING
                """, cancellationToken);
            if (inserted == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var first = await db.Set<Report>().AsNoTracking().SingleAsync(r => r.CaseId == caseId && r.ReporterId == reporterId, cancellationToken);
                return new Filed(ReportResponse.From(first), Existing: true);
            }

            var count = await db.Database.SqlQuery<int>($"""
                UPDATE moderation_cases SET "ReportCount" = "ReportCount" + 1, "LastReportedAt" = {now} WHERE "Id" = {caseId} RETURNING "ReportCount" AS "Value"
                """).ToListAsync(cancellationToken);
            events.Raise(db, new ReportFiled(reportId, caseId, type, targetId, request.Reason!, count[0]));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Filed(new ReportResponse(reportId, CaseStatus.Open, type, targetId, request.Reason!, note, now), Existing: false);
        }
    }

    private static Refusal? Check(FileReportRequest request)
    {
        var checks = new FieldErrors();
        if (request.TargetType is null || !ReportTargetTypes.All.Contains(request.TargetType, StringComparer.Ordinal))
        {
            checks.Add("targetType", $"One of: {string.Join(", ", ReportTargetTypes.All)}.");
        }

        if (request.TargetId is null || request.TargetId == Guid.Empty)
        {
            checks.Add("targetId", "The id of what you report.");
        }

        if (request.Reason is null || !ReportReasons.All.Contains(request.Reason, StringComparer.Ordinal))
        {
            checks.Add("reason", $"One of: {string.Join(", ", ReportReasons.All)}.");
        }

        if (request.Note is { Length: > Report.MaxNoteLength })
        {
            checks.Add("note", $"At most {Report.MaxNoteLength} characters.");
        }
        else if (request.Note is not null && request.Note.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            checks.Add("note", "The note contains control characters.");
        }

        return checks.Any ? checks.ToRefusal() : null;
    }
}
