using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Moderation.Reports;

namespace Spotlight.Moderation;

/// <summary>
/// Moderation's share of a user's data: the reports they filed (exported; on deletion their free-text note is erased). The
/// reports and the cases about the user's content stay: they are the record of what moderators decided, and point at the
/// anonymized account.
/// </summary>
internal sealed class ModerationPersonalData(SpotlightDb db) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["reports"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Report), nameof(Report.ReporterId)),
        new(typeof(ModerationCase), nameof(ModerationCase.AuthorId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken) =>
        await writer.WriteAsync("reports", await db.Set<Report>().AsNoTracking().Where(r => r.ReporterId == userId).OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.TargetType, r.TargetId, r.Reason, r.Note, r.CreatedAt }).ToListAsync(cancellationToken), cancellationToken);

    public Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken) =>
        db.Set<Report>().Where(r => r.ReporterId == userId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Note, (string?)null), cancellationToken);
}
