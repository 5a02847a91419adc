using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Live;
using Spotlight.Wallet;

namespace Spotlight.Live.Battles;

/// <summary>
/// A committed gift sent in a live that is in an active battle, at a time within [startedAt, endsAt), adds its coins to
/// that live's side. Exactly once: the contribution row keyed by the ledger transaction goes in first
/// (<c>ON CONFLICT DO NOTHING</c>: a redelivered event, or the replay of a retried gift request, which is the same
/// transaction, adds nothing), then one atomic <c>score = score + coins</c> guarded by the battle still being active and
/// the gift's time; both in one transaction. Reversed gifts stay counted: a battle's result is final once stored.
/// </summary>
internal sealed class GiftScoresPk(SpotlightDb db, PkScoreCoalescer scores) : IDomainEventHandler<GiftSent>
{
    public async Task HandleAsync(GiftSent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        if (domainEvent.LiveSessionId is not { } liveId)
        {
            return;
        }

        var sentAt = DateTime.SpecifyKind(domainEvent.SentAt, DateTimeKind.Utc);
        var amount = domainEvent.Amount;
        var battleId = await During(db.Set<PkBattle>(), liveId, sentAt).Select(b => (Guid?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (battleId is not { } id)
        {
            return; // not in a battle when sent: before an accept, after the end, or no battle at all
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO pk_contributions ("TransactionId", "BattleId", "LiveId", "Amount", "SentAt")
            VALUES ({domainEvent.TransactionId}, {id}, {liveId}, {amount}, {sentAt})
            ON CONFLICT ("TransactionId") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            return; // counted before
        }

        var added = await During(db.Set<PkBattle>().Where(b => b.Id == id), liveId, sentAt).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.InviterScore, b => b.InviterLiveId == liveId ? b.InviterScore + amount : b.InviterScore)
            .SetProperty(b => b.OpponentScore, b => b.OpponentLiveId == liveId ? b.OpponentScore + amount : b.OpponentScore), cancellationToken);
        if (added == 0)
        {
            return; // the battle ended in between: its result stands, and the contribution is rolled back with this transaction
        }

        await transaction.CommitAsync(cancellationToken);
        scores.Changed(id);
    }

    private static IQueryable<PkBattle> During(IQueryable<PkBattle> battles, Guid liveId, DateTime sentAt) =>
        battles.Where(b => b.Status == PkStatus.Active && (b.InviterLiveId == liveId || b.OpponentLiveId == liveId) && b.StartedAt <= sentAt && b.EndsAt > sentAt);
}

/// <summary>One side's score in <c>pkScore</c> and <c>pkEnded</c>.</summary>
internal sealed record PkScoreSide(Guid LiveId, long Score);

/// <summary>The <c>pkScore</c> event: <c>{ pkId, sides: [{ liveId, score }] }</c>.</summary>
internal sealed record PkScoreEvent(Guid PkId, IReadOnlyList<PkScoreSide> Sides);

/// <summary>
/// Sends <c>pkScore</c> to both lives' rooms at most four times a second per battle: a change when none was sent in the
/// last quarter second goes at once; changes while one is being sent or within the quarter second after are folded into
/// one more send. The scores are read from <c>pk_battles</c> at each send, so the last scores win. Per node, like
/// <c>liveViewers</c>: a battle whose gifts are scored on N nodes may get up to 4·N events a second.
/// </summary>
internal sealed class PkScoreCoalescer(
    IServiceScopeFactory scopes, LiveBroadcast broadcast, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<PkScoreCoalescer> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Battles with a sender running, and whether a change came since its last read.</summary>
    private readonly Dictionary<Guid, bool> _running = [];
    private readonly Lock _gate = new();

    /// <summary>The scores of <paramref name="battleId"/> changed (and are committed).</summary>
    public void Changed(Guid battleId)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(battleId))
            {
                _running[battleId] = true; // the running sender reads again before it stops
                return;
            }

            _running[battleId] = false;
        }

        _ = RunAsync(battleId);
    }

    private async Task RunAsync(Guid battleId)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            do
            {
                await SendAsync(battleId, stopping);
                await Task.Delay(Interval, time, stopping);
            }
            while (AgainOrStop(battleId));
        }
        catch (Exception failure)
        {
            lock (_gate)
            {
                _running.Remove(battleId);
            }

            if (!stopping.IsCancellationRequested)
            {
                logger.LogWarning(failure, "pkScore for battle {PkId} could not be sent", battleId);
            }
        }
    }

    private bool AgainOrStop(Guid battleId)
    {
        lock (_gate)
        {
            if (_running[battleId])
            {
                _running[battleId] = false;
                return true;
            }

            _running.Remove(battleId);
            return false;
        }
    }

    private async Task SendAsync(Guid battleId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _running[battleId] = false; // what changes from here on is not in this read
        }

        PkBattle? battle;
        await using (var scope = scopes.CreateAsyncScope())
        {
            battle = await scope.ServiceProvider.GetRequiredService<SpotlightDb>().Set<PkBattle>().AsNoTracking()
                .SingleOrDefaultAsync(b => b.Id == battleId, cancellationToken);
        }

        if (battle is null)
        {
            return;
        }

        var payload = new PkScoreEvent(battle.Id, [new(battle.InviterLiveId, battle.InviterScore), new(battle.OpponentLiveId, battle.OpponentScore)]);
        await broadcast.PublishAsync(battle.InviterLiveId, LiveBroadcast.PkScore, payload, cancellationToken);
        await broadcast.PublishAsync(battle.OpponentLiveId, LiveBroadcast.PkScore, payload, cancellationToken);
    }
}
