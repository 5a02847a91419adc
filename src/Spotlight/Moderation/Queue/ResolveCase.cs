using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Users;
using Spotlight.Moderation.Reports;
using Spotlight.Moderation.Targets;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Moderation.Queue;

/// <summary><c>POST /admin/reports/{id}/resolve</c>: <c>days</c> only with <c>suspend</c>.</summary>
public sealed record ResolveRequest(string? Action, string? Reason, int? Days);

/// <summary><c>POST /admin/reports/resolve</c>: one decision for several queue items.</summary>
public sealed record BulkResolveRequest(Guid[]? Ids, string? Action, string? Reason, int? Days);

/// <summary>Each item of a bulk decision: resolved, or why not (the problem's status and code).</summary>
public sealed record BulkResolveItem(Guid Id, bool Resolved, int Status, string? Code, string? Detail);

public sealed record BulkResolveResponse(IReadOnlyList<BulkResolveItem> Items);

/// <summary>The moderator who decides: admins may act on staff accounts, moderators may not.</summary>
public sealed record Moderator(Guid Id, bool IsAdmin);

/// <summary>
/// Resolves a case: the decision applies to every open report of its target at once. In one transaction: claim the case
/// (an update conditional on it being open, so two moderators cannot both decide it; the row lock also orders it after
/// any report being filed), apply the decision (the content through its module's <see cref="IReportTarget"/>, the
/// account through Identity's <see cref="AccountBans"/>), close the reports, audit, and raise the events that tell the
/// author why and each reporter the outcome. A ban's sessions end once it has committed.
/// </summary>
public sealed class ResolveCase(
    SpotlightDb db, ReportTargetRegistry targets, IUserDirectory users, AccountBans bans, AuditLog audit, DomainEvents events, TimeProvider time)
{
    public const int MaxReasonLength = 500;
    public const int MaxBulk = 100;

    public async Task<Outcome<Guid>> HandleAsync(Moderator moderator, Guid caseId, ResolveRequest request, CancellationToken cancellationToken)
    {
        if (Check(request.Action, request.Reason, request.Days) is { } invalid)
        {
            return invalid;
        }

        var action = request.Action!;
        var reason = request.Reason!.Trim();
        var found = await db.Set<ModerationCase>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == caseId, cancellationToken);
        if (found is null)
        {
            return Refusal.NotFound("No report case has this id.");
        }

        if (found.Status != CaseStatus.Open)
        {
            return AlreadyResolved;
        }

        if (await CheckApplicableAsync(moderator, found, action, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Set<ModerationCase>().Where(c => c.Id == caseId && c.Status == CaseStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CaseStatus.Resolved).SetProperty(c => c.OpenKey, (string?)null)
                .SetProperty(c => c.ResolvedAt, now).SetProperty(c => c.ResolvedBy, moderator.Id).SetProperty(c => c.Action, action)
                .SetProperty(c => c.ResolutionReason, reason).SetProperty(c => c.Days, request.Days), cancellationToken);
        if (claimed == 0)
        {
            return AlreadyResolved;
        }

        DateTime? until = null;
        switch (action)
        {
            case ModerationActions.Hide or ModerationActions.Remove:
                var decision = action == ModerationActions.Hide ? ContentDecision.Hide : ContentDecision.Remove;
                if (!await targets.Find(found.TargetType)!.ApplyAsync(found.TargetId, decision, reason, cancellationToken))
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return NotApplicable($"A {found.TargetType} has nothing to {action}: warn, suspend or ban its account instead.");
                }

                break;
            case ModerationActions.Suspend or ModerationActions.Ban:
                var banned = await bans.BanAsync(db, found.AuthorId!.Value, reason, action == ModerationActions.Suspend ? request.Days : null, cancellationToken);
                until = banned?.Until;
                break;
        }

        await db.Set<Report>().Where(r => r.CaseId == caseId && r.Outcome == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, action).SetProperty(r => r.ResolvedAt, now), cancellationToken);
        var reporters = await db.Set<Report>().AsNoTracking().Where(r => r.CaseId == caseId).OrderBy(r => r.Id)
            .Select(r => new ResolvedReport(r.Id, r.ReporterId)).ToListAsync(cancellationToken);
        audit.Add(db, "report.resolved", "report_case", caseId.ToString(), new
        {
            action, reason, days = request.Days, found.TargetType, found.TargetId, found.AuthorId, reports = reporters.Count,
        }, actorId: moderator.Id);
        if (action != ModerationActions.Dismiss && found.AuthorId is { } authorId)
        {
            events.Raise(db, new ContentModerated(caseId, authorId, found.TargetType, found.TargetId, action, reason, until));
        }

        events.Raise(db, new ReportsResolved(caseId, found.TargetType, found.TargetId,
            action == ModerationActions.Dismiss ? ReportsResolved.Dismissed : ReportsResolved.ActionTaken, reporters));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (action is ModerationActions.Suspend or ModerationActions.Ban)
        {
            await bans.EnforceAsync(db, found.AuthorId!.Value);
        }

        return caseId;
    }

    /// <summary>The same decision for each of <see cref="BulkResolveRequest.Ids"/>, each on its own: one that cannot be resolved does not hold back the rest.</summary>
    public async Task<Outcome<BulkResolveResponse>> HandleAsync(Moderator moderator, BulkResolveRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Ids ?? [];
        var checks = new FieldErrors();
        if (ids.Length is 0 or > MaxBulk)
        {
            checks.Add("ids", $"Give 1 to {MaxBulk} report case ids.");
        }
        else if (ids.Distinct().Count() != ids.Length)
        {
            checks.Add("ids", "An id is listed twice.");
        }

        if (checks.Any)
        {
            return checks.ToRefusal();
        }

        if (Check(request.Action, request.Reason, request.Days) is { } invalid)
        {
            return invalid;
        }

        var items = new List<BulkResolveItem>(ids.Length);
        foreach (var id in ids)
        {
            var outcome = await HandleAsync(moderator, id, new ResolveRequest(request.Action, request.Reason, request.Days), cancellationToken);
            db.ChangeTracker.Clear();
            items.Add(outcome.Refusal is { } refusal
                ? new BulkResolveItem(id, false, refusal.Status, refusal.Code, refusal.Detail)
                : new BulkResolveItem(id, true, StatusCodes.Status200OK, null, null));
        }

        return new BulkResolveResponse(items);
    }

    private async Task<Refusal?> CheckApplicableAsync(Moderator moderator, ModerationCase found, string action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case ModerationActions.Hide or ModerationActions.Remove:
                return found.TargetType == ReportTargetTypes.User || targets.Find(found.TargetType) is null
                    ? NotApplicable($"A {found.TargetType} has nothing to {action}: warn, suspend or ban its account instead.")
                    : null;
            case ModerationActions.Warn or ModerationActions.Suspend or ModerationActions.Ban:
                if (found.AuthorId is not { } authorId)
                {
                    return NotApplicable("This target has no author to act on.");
                }

                if (action == ModerationActions.Warn)
                {
                    return null;
                }

                if (authorId == moderator.Id)
                {
                    return new Refusal(StatusCodes.Status400BadRequest, "cannot_ban_self", "You cannot suspend or ban your own account.");
                }

                var facts = await users.FactsAsync([authorId], cancellationToken);
                if (!facts.TryGetValue(authorId, out var author))
                {
                    return NotApplicable("The author's account no longer exists.");
                }

                // A moderator cannot lock a colleague or an admin out; an admin can.
                return author.IsStaff && !moderator.IsAdmin ? Refusal.Forbidden("staff_account", "Only an admin can suspend or ban a staff account.") : null;
            default:
                return null;
        }
    }

    private static Refusal NotApplicable(string detail) => new(StatusCodes.Status400BadRequest, "action_not_applicable", detail);

    private static readonly Refusal AlreadyResolved = Refusal.Conflict("already_resolved", "This case has already been resolved.");

    private static Refusal? Check(string? action, string? reason, int? days)
    {
        var checks = new FieldErrors();
        if (action is null || !ModerationActions.All.Contains(action, StringComparer.Ordinal))
        {
            checks.Add("action", $"One of: {string.Join(", ", ModerationActions.All)}.");
        }

        checks.Required("reason", reason?.Trim()).MaxLength("reason", reason, MaxReasonLength);
        if (action == ModerationActions.Suspend && days is not (>= 1 and <= AccountBans.MaxDays))
        {
            checks.Add("days", $"Suspend for 1 to {AccountBans.MaxDays} days.");
        }
        else if (action != ModerationActions.Suspend && days is not null)
        {
            checks.Add("days", "Days go only with suspend (a ban has no end).");
        }

        return checks.Any ? checks.ToRefusal() : null;
    }
}
