using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;

namespace Spotlight.Matching;

/// <summary>
/// Matching's share of a user's data: their place in the queue (erased) and their matches (exported; on deletion the
/// languages and region they matched with are erased, the match stays for the other side and for reports).
/// </summary>
internal sealed class MatchingPersonalData(SpotlightDb db) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["matches"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(QueueEntry), nameof(QueueEntry.UserId)),
        new(typeof(Match), nameof(Match.UserA)),
        new(typeof(Match), nameof(Match.UserB)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken) =>
        await writer.WriteAsync("matches", await db.Set<Match>().AsNoTracking().Where(m => m.UserA == userId || m.UserB == userId).OrderBy(m => m.Id)
            .Select(m => new { m.Id, with = m.UserA == userId ? m.UserB : m.UserA, m.StartedAt, m.EndedAt, m.EndReason }).ToListAsync(cancellationToken), cancellationToken);

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        await db.Set<QueueEntry>().Where(q => q.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<Match>().Where(m => m.UserA == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LanguagesA, (string?)null).SetProperty(m => m.RegionA, (string?)null), cancellationToken);
        await db.Set<Match>().Where(m => m.UserB == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LanguagesB, (string?)null).SetProperty(m => m.RegionB, (string?)null), cancellationToken);
    }
}
