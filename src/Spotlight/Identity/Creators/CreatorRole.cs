using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Creators;

public sealed record RejectCreatorRequest(string? Reason);

public sealed record CreatorApplicationLine(Guid Id, Guid UserId, string Handle, string Email, string Status, string Category, string Country, string About,
    IReadOnlyList<string> Links, DateTime SubmittedAt, DateTime? DecidedAt, Guid? DecidedBy, string? Reason);

/// <summary>
/// Decides applications, for the admin API, the console and auto-approval alike. Approving grants the role and tier
/// <c>creator</c> with a new security stamp (the applicant's tokens become <c>token_stale</c>; a refresh carries the role);
/// a decision is a conditional update from <c>pending</c>, so it is taken once however many admins click.
/// </summary>
public sealed class CreatorRole(SpotlightDb db, AuditLog audit, SessionStateCache cache, TimeProvider time)
{
    public async Task<Outcome<CreatorApplicationResponse>> ApproveAsync(Guid applicationId, Guid? decidedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await DecideAsync(applicationId, CreatorApplicationStatus.Approved, decidedBy, reason: null, now, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var application = await db.Set<CreatorApplication>().AsNoTracking().SingleAsync(a => a.Id == applicationId, cancellationToken);
        var user = await db.Users.SingleAsync(u => u.Id == application.UserId, cancellationToken);
        if (!user.RoleList.Contains(Role.Creator))
        {
            user.Roles = string.Join(',', Role.All.Where(r => r == Role.Creator || user.RoleList.Contains(r)));
        }

        user.Tier = Tiers.Creator;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        audit.Add(db, "creator.approved", "user", user.Id.ToString(), new { applicationId, automatic = decidedBy is null });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.EvictUserAsync(user.Id);
        return CreatorApplicationResponse.From(application);
    }

    public async Task<Outcome<CreatorApplicationResponse>> RejectAsync(Guid applicationId, Guid decidedBy, RejectCreatorRequest request, CancellationToken cancellationToken)
    {
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
        {
            return new FieldErrors().Add("reason", "Say why, in up to 500 characters: the applicant sees it.").ToRefusal();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (await DecideAsync(applicationId, CreatorApplicationStatus.Rejected, decidedBy, reason, now, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var application = await db.Set<CreatorApplication>().AsNoTracking().SingleAsync(a => a.Id == applicationId, cancellationToken);
        audit.Add(db, "creator.rejected", "user", application.UserId.ToString(), new { applicationId, reason });
        await db.SaveChangesAsync(cancellationToken);
        return CreatorApplicationResponse.From(application);
    }

    public async Task<Page<CreatorApplicationLine>> ListAsync(string status, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Set<CreatorApplication>().AsNoTracking().Where(a => status == "all" || a.Status == status);
        if (page.After is { } after)
        {
            query = query.Where(a => a.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(page.Limit + 1)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new { a, u.UserName, u.Email })
            .ToListAsync(cancellationToken);
        return page.ToPage(rows, r => r.a.Id, r => new CreatorApplicationLine(r.a.Id, r.a.UserId, r.UserName ?? "", r.Email ?? "", r.a.Status, r.a.Category, r.a.Country,
            r.a.About, r.a.Links.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.a.SubmittedAt, r.a.DecidedAt, r.a.DecidedBy, r.a.Reason));
    }

    private async Task<Refusal?> DecideAsync(Guid id, string status, Guid? decidedBy, string? reason, DateTime now, CancellationToken cancellationToken)
    {
        var decided = await db.Set<CreatorApplication>().Where(a => a.Id == id && a.Status == CreatorApplicationStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.DecidedAt, now).SetProperty(a => a.DecidedBy, decidedBy)
                .SetProperty(a => a.Reason, reason).SetProperty(a => a.PendingUserId, (Guid?)null), cancellationToken);
        if (decided == 1)
        {
            return null;
        }

        return await db.Set<CreatorApplication>().AnyAsync(a => a.Id == id, cancellationToken)
            ? new Refusal(StatusCodes.Status409Conflict, "already_decided", "This application was decided already.")
            : Refusal.NotFound("The resource does not exist.");
    }
}
