using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Live.Battles;
using Spotlight.Live.Leaderboards;
using Spotlight.Live.Lives;

namespace Spotlight.Live;

/// <summary>
/// Live's share of a user's data: the lives they hosted (exported; on deletion their titles are blanked, and a live still
/// on ends through <see cref="Identity.Account.UserDeleted"/>), kicks against them and their leaderboard places (erased).
/// Gift contributions and PK battles stay: each names a ledger transaction or a result other creators keep, and points at
/// the anonymized account.
/// </summary>
internal sealed class LivePersonalData(SpotlightDb db) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["lives"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(LiveSession), nameof(LiveSession.CreatorId)),
        new(typeof(LiveSession), nameof(LiveSession.OnAirCreatorId)),
        new(typeof(LiveKick), nameof(LiveKick.UserId)),
        new(typeof(LeaderboardScore), nameof(LeaderboardScore.UserId)),
        new(typeof(LeaderboardContribution), nameof(LeaderboardContribution.SenderId)),
        new(typeof(LeaderboardContribution), nameof(LeaderboardContribution.RecipientId)),
        new(typeof(PkBattle), nameof(PkBattle.InviterCreatorId)),
        new(typeof(PkBattle), nameof(PkBattle.OpponentCreatorId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken) =>
        await writer.WriteAsync("lives", await db.Set<LiveSession>().AsNoTracking().Where(l => l.CreatorId == userId).OrderBy(l => l.Id)
            .Select(l => new { l.Id, l.Title, l.Visibility, l.Status, l.StartedAt, l.EndedAt, l.EndReason }).ToListAsync(cancellationToken), cancellationToken);

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        await db.Set<LiveSession>().Where(l => l.CreatorId == userId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Title, ""), cancellationToken);
        await db.Set<LiveKick>().Where(k => k.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<LeaderboardScore>().Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }
}
