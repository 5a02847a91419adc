using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Live.Lives;
using Spotlight.Platform.Events;
using Spotlight.Platform.Jobs;
using Spotlight.Realtime.Live;

namespace Spotlight.Live.Battles;

/// <summary>
/// Closes battles, each once whoever tries: every change is a conditional update from the state it leaves (two nodes
/// sweeping at once, a forfeit racing the clock: one wins, the others change nothing), and the battle's live slots go
/// with it, so both lives are free for the next battle in the same transaction.
/// </summary>
internal sealed class PkReferee(SpotlightDb db, DomainEvents events, TimeProvider time)
{
    /// <summary>An invitation becomes <paramref name="status"/> (<c>declined</c> or <c>expired</c>); <c>true</c> when this call closed it.</summary>
    public async Task<bool> CloseInvitationAsync(Guid battleId, string status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var closed = await db.Set<PkBattle>().Where(b => b.Id == battleId && b.Status == PkStatus.Invited)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, status).SetProperty(b => b.ClosedAt, now), cancellationToken);
        if (closed == 0)
        {
            return false;
        }

        await db.Set<PkLiveSlot>().Where(s => s.BattleId == battleId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// An active battle ends: on time (only once <c>endsAt</c> passed; the higher score wins, a tie has no winner) or
    /// forfeited by <paramref name="forfeitingLiveId"/> (the other side wins). The winner is chosen from the scores in the
    /// same statement that ends it, and <see cref="PkEnded"/> is raised in its transaction.
    /// </summary>
    public async Task<bool> EndAsync(Guid battleId, Guid? forfeitingLiveId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var active = db.Set<PkBattle>().Where(b => b.Id == battleId && b.Status == PkStatus.Active);
        var ended = forfeitingLiveId is { } loser
            ? await active.ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, PkStatus.Ended).SetProperty(b => b.ClosedAt, now).SetProperty(b => b.EndReason, PkEndReason.Forfeit)
                .SetProperty(b => b.WinnerLiveId, b => b.InviterLiveId == loser ? (Guid?)b.OpponentLiveId : b.InviterLiveId), cancellationToken)
            : await active.Where(b => b.EndsAt <= now).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, PkStatus.Ended).SetProperty(b => b.ClosedAt, now).SetProperty(b => b.EndReason, PkEndReason.Time)
                .SetProperty(b => b.WinnerLiveId, b => b.InviterScore > b.OpponentScore ? (Guid?)b.InviterLiveId
                    : b.OpponentScore > b.InviterScore ? (Guid?)b.OpponentLiveId
                    : null), cancellationToken);
        if (ended == 0)
        {
            return false;
        }

        await db.Set<PkLiveSlot>().Where(s => s.BattleId == battleId).ExecuteDeleteAsync(cancellationToken);
        var battle = await db.Set<PkBattle>().AsNoTracking().SingleAsync(b => b.Id == battleId, cancellationToken);
        events.Raise(db, new PkEnded(battle.Id, battle.InviterLiveId, battle.InviterScore, battle.OpponentLiveId, battle.OpponentScore,
            battle.WinnerLiveId, battle.EndReason!, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Ends the battles whose time is up and marks lapsed invitations <c>expired</c>, up to 500 of each a sweep.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Set<PkBattle>().Where(b => b.Status == PkStatus.Active && b.EndsAt <= now)
            .OrderBy(b => b.EndsAt).Select(b => b.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await EndAsync(id, null, cancellationToken);
        }

        var lapsed = await db.Set<PkBattle>().Where(b => b.Status == PkStatus.Invited && b.ExpiresAt <= now)
            .OrderBy(b => b.ExpiresAt).Select(b => b.Id).Take(500).ToListAsync(cancellationToken);
        foreach (var id in lapsed)
        {
            await CloseInvitationAsync(id, PkStatus.Expired, cancellationToken);
        }
    }
}

/// <summary>The recurring <c>pk-sweep</c> (every <c>Pk:SweepIntervalSeconds</c>): battles end on the server's clock.</summary>
internal sealed class PkSweepJob(PkReferee referee) : IJobHandler
{
    public const string JobType = "pk-sweep";

    public string Type => JobType;

    public Task RunAsync(JobRun run, CancellationToken cancellationToken) => referee.SweepAsync(cancellationToken);
}

/// <summary>
/// A live that ends forfeits its side: its active battle ends with the other side as the winner, and an invitation
/// either way is closed as <c>expired</c> (it can no longer be accepted).
/// </summary>
internal sealed class LiveEndedForfeitsPk(SpotlightDb db, PkReferee referee) : IDomainEventHandler<LiveEnded>
{
    public async Task HandleAsync(LiveEnded domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var liveId = domainEvent.LiveId;
        var open = await db.Set<PkBattle>().AsNoTracking()
            .Where(b => (b.InviterLiveId == liveId || b.OpponentLiveId == liveId) && (b.Status == PkStatus.Invited || b.Status == PkStatus.Active))
            .Select(b => new { b.Id, b.Status }).ToListAsync(cancellationToken);
        foreach (var battle in open)
        {
            if (battle.Status == PkStatus.Active)
            {
                await referee.EndAsync(battle.Id, liveId, cancellationToken);
            }
            else
            {
                await referee.CloseInvitationAsync(battle.Id, PkStatus.Expired, cancellationToken);
            }
        }
    }
}

/// <summary>The <c>pkEnded</c> event: <c>{ pkId, winnerLiveId, sides: [{ liveId, score }] }</c>.</summary>
internal sealed record PkEndedEvent(Guid PkId, Guid? WinnerLiveId, IReadOnlyList<PkScoreSide> Sides);

/// <summary>Both lives' watchers hear the result (at least once).</summary>
internal sealed class PkEndedBroadcaster(LiveBroadcast broadcast) : IDomainEventHandler<PkEnded>
{
    public async Task HandleAsync(PkEnded domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var payload = new PkEndedEvent(domainEvent.PkId, domainEvent.WinnerLiveId,
            [new(domainEvent.InviterLiveId, domainEvent.InviterScore), new(domainEvent.OpponentLiveId, domainEvent.OpponentScore)]);
        await broadcast.PublishAsync(domainEvent.InviterLiveId, LiveBroadcast.PkEnded, payload, cancellationToken);
        await broadcast.PublishAsync(domainEvent.OpponentLiveId, LiveBroadcast.PkEnded, payload, cancellationToken);
    }
}
