using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Live.Lives;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Battles;

/// <summary>
/// <c>POST /pk/{id}/accept</c>, by the opponent live's creator only (anyone else: 404, BOLA): the battle becomes
/// <c>active</c> from now (the server's clock) for its <c>durationSeconds</c>, and the answer carries the caller's
/// <c>guest</c> token for the inviter's room. 409 <c>pk_expired</c> once the invitation lapsed (it is marked
/// <c>expired</c>), 409 <c>live_ended</c> when either live is no longer on (the invitation is closed as <c>expired</c>),
/// 409 <c>pk_closed</c> for a declined or ended battle. Accepting an active battle again answers it unchanged.
/// </summary>
internal sealed class AcceptPk(SpotlightDb db, PkReferee referee, PkGuests guests, TimeProvider time)
{
    public async Task<Outcome<PkBattleResponse>> HandleAsync(Guid callerId, Guid pkId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (battle, refusal) = await PkAnswers.OpenAsync(db, referee, callerId, pkId, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (battle!.Status == PkStatus.Invited)
        {
            var bothOn = await db.Set<LiveSession>().CountAsync(l => (l.Id == battle.InviterLiveId || l.Id == battle.OpponentLiveId) && l.Status == LiveStatus.Live, cancellationToken);
            if (bothOn < 2)
            {
                await referee.CloseInvitationAsync(battle.Id, PkStatus.Expired, cancellationToken);
                return Refusal.Conflict("live_ended", "One of the lives has ended.");
            }

            await db.Set<PkBattle>().Where(b => b.Id == pkId && b.Status == PkStatus.Invited && b.ExpiresAt > now).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.Status, PkStatus.Active)
                .SetProperty(b => b.StartedAt, now)
                .SetProperty(b => b.EndsAt, now.AddSeconds(battle.DurationSeconds)), cancellationToken);
            battle = await db.Set<PkBattle>().AsNoTracking().SingleAsync(b => b.Id == pkId, cancellationToken);
        }

        return battle.Status switch
        {
            PkStatus.Active => await guests.ShapeForAsync(callerId, battle, cancellationToken),
            PkStatus.Expired => PkAnswers.Expired(),
            _ => PkAnswers.Closed(battle),
        };
    }
}

/// <summary>
/// <c>POST /pk/{id}/decline</c>, by the opponent live's creator only (anyone else: 404): the invitation is <c>declined</c>
/// and both lives are free again. 409 <c>pk_expired</c> once it lapsed, 409 <c>pk_closed</c> for an active or ended
/// battle. Declining a declined battle again answers it unchanged.
/// </summary>
internal sealed class DeclinePk(SpotlightDb db, PkReferee referee, TimeProvider time)
{
    public async Task<Outcome<PkBattleResponse>> HandleAsync(Guid callerId, Guid pkId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (battle, refusal) = await PkAnswers.OpenAsync(db, referee, callerId, pkId, now, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (battle!.Status == PkStatus.Invited)
        {
            await referee.CloseInvitationAsync(pkId, PkStatus.Declined, cancellationToken);
            battle = await db.Set<PkBattle>().AsNoTracking().SingleAsync(b => b.Id == pkId, cancellationToken);
        }

        return battle.Status switch
        {
            PkStatus.Declined => PkShape.Of(battle, now),
            PkStatus.Expired => PkAnswers.Expired(),
            _ => PkAnswers.Closed(battle),
        };
    }
}

internal static class PkAnswers
{
    /// <summary>
    /// The battle when <paramref name="callerId"/> is its opponent's creator (nobody else may answer it, or learn it
    /// exists: 404); an invitation past its time is marked <c>expired</c> now (the sweep may not have come yet) and refused.
    /// </summary>
    public static async Task<(PkBattle? Battle, Refusal? Refusal)> OpenAsync(
        SpotlightDb db, PkReferee referee, Guid callerId, Guid pkId, DateTime now, CancellationToken cancellationToken)
    {
        var battle = await db.Set<PkBattle>().AsNoTracking().SingleOrDefaultAsync(b => b.Id == pkId && b.OpponentCreatorId == callerId, cancellationToken);
        if (battle is null)
        {
            return (null, NotFound());
        }

        if (battle.Status == PkStatus.Invited && now >= battle.ExpiresAt)
        {
            await referee.CloseInvitationAsync(battle.Id, PkStatus.Expired, cancellationToken);
            return (battle, Expired());
        }

        return (battle, null);
    }

    public static Refusal NotFound() => Refusal.NotFound("No battle invitation to you has this id.");

    public static Refusal Expired() => Refusal.Conflict("pk_expired", "The invitation has lapsed.");

    public static Refusal Closed(PkBattle battle) => Refusal.Conflict("pk_closed", $"This battle is {battle.Status}.");
}
