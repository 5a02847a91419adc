using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Live.Lives;

namespace Spotlight.Live.Battles;

/// <summary><c>POST /live/{id}/pk</c>. <c>durationSeconds</c> 60–900, <c>Pk:DefaultDurationSeconds</c> (300) when left out.</summary>
internal sealed record InvitePkRequest(Guid? OpponentLiveId, int? DurationSeconds);

/// <summary>
/// <c>PkBattle</c> (API.md, Live). <c>durationSeconds</c> and <c>expiresAt</c> (when an invitation lapses) are there for
/// clients' timers; <c>guest</c> is only in the answers to a side's creator while the battle is active.
/// </summary>
public sealed record PkBattleResponse(
    Guid Id, string Status, IReadOnlyList<PkSideResponse> Sides, DateTime? StartedAt, DateTime? EndsAt, Guid? WinnerLiveId,
    int DurationSeconds, DateTime ExpiresAt, PkGuestResponse? Guest);

public sealed record PkSideResponse(Guid LiveId, Guid CreatorId, long Score);

/// <summary>Where a side's creator publishes in the other side's room during the battle.</summary>
public sealed record PkGuestResponse(Guid LiveId, string RoomName, string LivekitUrl, string Token);

internal static class PkShape
{
    public static PkBattleResponse Of(PkBattle battle, DateTime now, PkGuestResponse? guest = null) => new(
        battle.Id, battle.StatusAt(now),
        [new(battle.InviterLiveId, battle.InviterCreatorId, battle.InviterScore), new(battle.OpponentLiveId, battle.OpponentCreatorId, battle.OpponentScore)],
        battle.StartedAt, battle.EndsAt, battle.WinnerLiveId, battle.DurationSeconds, battle.ExpiresAt, guest);
}

/// <summary>
/// The two creators of an active battle publish in each other's rooms: the guest token in the battle's answers, and the
/// grant <c>POST /live/{id}/join</c> gives them.
/// </summary>
public sealed class PkGuests(SpotlightDb db, IUserDirectory users, LiveKitSettings settings, LiveKitTokens tokens, TimeProvider time)
{
    /// <summary>Whether <paramref name="callerId"/> is the other side's creator in an active battle of <paramref name="liveId"/>.</summary>
    public Task<bool> IsGuestAsync(Guid callerId, Guid liveId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Set<PkBattle>().AnyAsync(b => b.Status == PkStatus.Active && b.EndsAt > now
            && ((b.InviterLiveId == liveId && b.OpponentCreatorId == callerId) || (b.OpponentLiveId == liveId && b.InviterCreatorId == callerId)), cancellationToken);
    }

    /// <summary>The battle as <paramref name="callerId"/> sees it: with a token for the other room when they are a side's creator and it is active.</summary>
    internal async Task<PkBattleResponse> ShapeForAsync(Guid callerId, PkBattle battle, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        Guid? room = battle.StatusAt(now) != PkStatus.Active ? null
            : callerId == battle.InviterCreatorId ? battle.OpponentLiveId
            : callerId == battle.OpponentCreatorId ? battle.InviterLiveId
            : null;
        if (room is not { } otherLiveId || settings.Connection() is not { Value: { } connection })
        {
            return PkShape.Of(battle, now);
        }

        var roomName = await db.Set<LiveSession>().Where(l => l.Id == otherLiveId).Select(l => l.RoomName).SingleAsync(cancellationToken);
        var handle = (await users.FactsAsync([callerId], cancellationToken)).GetValueOrDefault(callerId)?.Handle ?? callerId.ToString();
        var token = tokens.Participant(connection, callerId, handle, RoomGrant.Publisher(roomName));
        return PkShape.Of(battle, now, new PkGuestResponse(otherLiveId, roomName, connection.Url, token));
    }
}
