using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Jobs;

namespace Spotlight.Identity.Account;

/// <summary>An export as its owner sees it: <c>downloadUrl</c> and <c>expiresAt</c> while it is ready.</summary>
public sealed record AccountExportResponse(Guid Id, string Status, string? DownloadUrl = null, DateTime? ExpiresAt = null);

/// <summary>
/// <c>POST /me/export</c> and <c>POST /admin/users/{id}/export</c>: records the request and queues the job that writes the
/// archive. A user may ask once a day (<see cref="Allowance"/>, counted from their last own request, on every node alike);
/// an admin's request for them is audited and not counted.
/// </summary>
internal sealed class RequestExport(SpotlightDb db, JobQueue jobs, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan Allowance = TimeSpan.FromDays(1);

    public async Task<Outcome<AccountExportResponse>> HandleAsync(Guid userId, bool byAdmin, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.DeletedAt == null, cancellationToken))
        {
            return byAdmin ? Administration.AdminRefusals.NoSuchAccount : IdentityRefusals.NoSuchAccount;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!byAdmin)
        {
            var since = now - Allowance;
            var last = await db.Set<AccountExport>().Where(e => e.UserId == userId && !e.ByAdmin && e.RequestedAt > since)
                .OrderByDescending(e => e.RequestedAt).Select(e => (DateTime?)e.RequestedAt).FirstOrDefaultAsync(cancellationToken);
            if (last is { } previous)
            {
                return new Refusal(StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"One export per day: you can ask for the next one from {previous + Allowance:u}. The last one is at GET /api/v1/me/exports/{{id}}.");
            }
        }

        var export = new AccountExport { Id = Guid.CreateVersion7(), UserId = userId, Status = AccountExportStatus.Pending, ByAdmin = byAdmin, RequestedAt = now };
        db.Add(export);
        jobs.Enqueue(db, AccountExportJob.JobType, export.Id.ToString());
        audit.Add(db, byAdmin ? "admin.account_export_requested" : "account.export_requested", "user", userId.ToString(), new { exportId = export.Id });
        await db.SaveChangesAsync(cancellationToken);
        jobs.Wake();
        return new AccountExportResponse(export.Id, export.Status);
    }
}

/// <summary><c>GET /me/exports/{id}</c>: the caller's export (anyone else's is 404), with a signed link once it is ready.</summary>
internal sealed class ReadExport(SpotlightDb db, ExportLinks links, TimeProvider time)
{
    public static readonly Refusal NotFound = Refusal.NotFound("You have no export with this id.");

    public async Task<Outcome<AccountExportResponse>> HandleAsync(Guid userId, Guid exportId, CancellationToken cancellationToken)
    {
        var export = await db.Set<AccountExport>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId && e.UserId == userId, cancellationToken);
        if (export is null)
        {
            return NotFound;
        }

        if (export is { Status: AccountExportStatus.Ready, ExpiresAt: { } expiresAt })
        {
            return expiresAt > time.GetUtcNow().UtcDateTime
                ? new AccountExportResponse(export.Id, export.Status, links.UrlFor(export.Id, expiresAt), expiresAt)
                : new AccountExportResponse(export.Id, AccountExportStatus.Expired);
        }

        return new AccountExportResponse(export.Id, export.Status);
    }
}

/// <summary>
/// <c>GET /me/exports/{id}/download?expires=&amp;signature=</c>: the archive, once. The link is checked (403
/// <c>export_link_invalid</c> when forged or altered, 410 <c>export_link_expired</c> after its expiry), then the export is
/// claimed in one conditional update, so of two racing downloads one gets the file and the other 410
/// <c>export_gone</c>, as does every later try. The file is removed as the download closes it.
/// </summary>
internal sealed class DownloadExport(SpotlightDb db, ExportLinks links, AccountExportFiles files, AuditLog audit, TimeProvider time)
{
    public static readonly Refusal Invalid = Refusal.Forbidden("export_link_invalid", "This download link is not valid: use the downloadUrl of GET /api/v1/me/exports/{id} as it is.");

    public static readonly Refusal Expired = new(StatusCodes.Status410Gone, "export_link_expired", "This download link has expired: ask for a new export.");

    public static readonly Refusal Gone = new(StatusCodes.Status410Gone, "export_gone", "This export was downloaded already (a link works once) or has expired: ask for a new export.");

    public async Task<Outcome<Stream>> HandleAsync(Guid exportId, long? expires, string? signature, CancellationToken cancellationToken)
    {
        if (expires is not { } expiry || !links.IsAuthentic(exportId, expiry, signature))
        {
            return Invalid;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(expiry, 0, 253402300799)).UtcDateTime <= now)
        {
            return Expired;
        }

        var claimed = await db.Set<AccountExport>().Where(e => e.Id == exportId && e.Status == AccountExportStatus.Ready && e.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, AccountExportStatus.Downloaded).SetProperty(e => e.DownloadedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return Gone;
        }

        FileStream archive;
        try
        {
            archive = new FileStream(files.PathOf(exportId), FileMode.Open, FileAccess.Read, FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        }
        catch (FileNotFoundException)
        {
            return Gone;
        }

        var owner = await db.Set<AccountExport>().Where(e => e.Id == exportId).Select(e => e.UserId).SingleAsync(cancellationToken);
        await audit.WriteAsync(db, "account.export_downloaded", "user", owner.ToString(), new { exportId }, actorId: owner);
        return archive;
    }
}
