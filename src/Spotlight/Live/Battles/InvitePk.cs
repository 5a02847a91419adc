using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Live.Lives;
using Spotlight.Platform.Errors;
using Spotlight.Social;

namespace Spotlight.Live.Battles;

/// <summary>
/// <c>POST /live/{id}/pk</c>: the creator of live {id} invites another live on now to a battle. 404 when live {id} is
/// unknown, over, or not the caller's (BOLA: no inviting from someone else's live) or the opponent live is not on;
/// 422 <c>own_live</c> for the caller's own live; 403 <c>blocked</c> with a block either way between the creators;
/// 409 <c>already_in_pk</c> when either live has an invited or active battle — held by <see cref="PkLiveSlot"/>'s key,
/// so two invitations racing for one live give one 201 and one 409.
/// </summary>
internal sealed class InvitePk(SpotlightDb db, IBlockList blocks, IOptions<PkOptions> options, TimeProvider time)
{
    public async Task<Outcome<PkBattleResponse>> HandleAsync(Guid callerId, Guid liveId, InvitePkRequest request, CancellationToken cancellationToken)
    {
        var duration = request.DurationSeconds ?? options.Value.DefaultDurationSeconds;
        var errors = new FieldErrors();
        if (request.OpponentLiveId is null)
        {
            errors.Add("opponentLiveId", "The live to battle.");
        }

        if (duration is < PkOptions.MinDurationSeconds or > PkOptions.MaxDurationSeconds)
        {
            errors.Add("durationSeconds", $"From {PkOptions.MinDurationSeconds} to {PkOptions.MaxDurationSeconds} seconds.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var opponentLiveId = request.OpponentLiveId!.Value;
        var lives = await db.Set<LiveSession>().AsNoTracking()
            .Where(l => (l.Id == liveId || l.Id == opponentLiveId) && l.Status == LiveStatus.Live).ToListAsync(cancellationToken);
        var own = lives.SingleOrDefault(l => l.Id == liveId);
        if (own is null || own.CreatorId != callerId)
        {
            return Refusal.NotFound("You have no live on with this id.");
        }

        if (opponentLiveId == liveId)
        {
            return OwnLive();
        }

        if (lives.SingleOrDefault(l => l.Id == opponentLiveId) is not { } opponent)
        {
            return Refusal.NotFound("The opponent's live is not on.");
        }

        if (opponent.CreatorId == callerId)
        {
            return OwnLive();
        }

        if (await blocks.IsBlockedAsync(callerId, opponent.CreatorId, cancellationToken))
        {
            return Refusal.Forbidden("blocked", "You cannot battle this creator.");
        }

        if (await db.Set<PkLiveSlot>().AnyAsync(s => s.LiveId == liveId || s.LiveId == opponentLiveId, cancellationToken))
        {
            return AlreadyInPk();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var battle = new PkBattle
        {
            Id = Guid.CreateVersion7(), InviterLiveId = liveId, InviterCreatorId = callerId, OpponentLiveId = opponentLiveId,
            OpponentCreatorId = opponent.CreatorId, Status = PkStatus.Invited, DurationSeconds = duration, InvitedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.InvitationSeconds),
        };
        try
        {
            // The two slots are taken one statement at a time in one order for every invitation, so two invitations
            // crossing (A → B while B → A) wait for each other instead of deadlocking.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Add(battle);
            foreach (var slot in new[] { liveId, opponentLiveId }.Order())
            {
                db.Add(new PkLiveSlot { LiveId = slot, BattleId = battle.Id });
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<PkLiveSlot>().AnyAsync(s => s.LiveId == liveId || s.LiveId == opponentLiveId, CancellationToken.None))
            {
                return AlreadyInPk(); // another invitation for one of the lives won the race
            }

            throw;
        }

        return PkShape.Of(battle, now);
    }

    private static Refusal OwnLive() => new(StatusCodes.Status422UnprocessableEntity, "own_live", "A battle is between two creators' lives.");

    private static Refusal AlreadyInPk() => Refusal.Conflict("already_in_pk", "One of the lives is already in a battle or invited to one.");
}
