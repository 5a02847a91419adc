using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.Leaderboards;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Lives;

/// <summary>A live as staff see it: <see cref="CoinsGifted"/> is the sum of its <c>live:{id}</c> leaderboard (gifts sent in it, reversals taken off).</summary>
public sealed record StaffLive(
    Guid Id, LiveCreator? Creator, string Title, string Visibility, string Status, DateTime StartedAt, DateTime? EndedAt, string? EndReason, int ViewerCount, long CoinsGifted);

/// <summary>Someone in a live's LiveKit room: a Spotlight user (their card) or an identity LiveKit knows only.</summary>
public sealed record LiveParticipantCard(string Identity, Guid? UserId, string? Handle, string? DisplayName, bool IsCreator, bool IsStaff, bool Kicked);

/// <summary>
/// One live for staff with who is in its room: <see cref="Participants"/> from LiveKit's <c>ListParticipants</c>, or null
/// with <see cref="LivekitProblem"/> saying why (not configured, or not reachable). Ended lives have no room to list.
/// </summary>
public sealed record StaffLiveDetail(StaffLive Live, IReadOnlyList<LiveParticipantCard>? Participants, string? LivekitProblem);

/// <summary>Staff reads of lives (the console's live page): moderators and admins only, 403 <c>not_staff</c> for anyone else.</summary>
internal static class StaffLives
{
    public static readonly Refusal NotStaff = Refusal.Forbidden("not_staff", "Only moderators and administrators see this.");

    public static async Task<bool> IsStaffAsync(IUserDirectory users, Guid callerId, CancellationToken cancellationToken) =>
        (await users.FactsAsync([callerId], cancellationToken)).GetValueOrDefault(callerId) is { IsStaff: true, IsBanned: false };

    public static async Task<IReadOnlyList<StaffLive>> ShapeAsync(SpotlightDb db, IUserDirectory users, IReadOnlyList<LiveSession> lives, CancellationToken cancellationToken)
    {
        var boards = lives.Select(l => Boards.Live(l.Id)).ToList();
        var coins = await db.Set<LeaderboardScore>().AsNoTracking().Where(s => boards.Contains(s.Board) && s.Period == Boards.All)
            .GroupBy(s => s.Board).Select(g => new { Board = g.Key, Coins = g.Sum(s => s.Score) }).ToDictionaryAsync(g => g.Board, g => g.Coins, cancellationToken);
        var creators = await users.FactsAsync(lives.Select(l => l.CreatorId).Distinct().ToList(), cancellationToken);
        return lives.Select(l => new StaffLive(
            l.Id, creators.GetValueOrDefault(l.CreatorId) is { } c ? LiveCreator.From(c) : null, l.Title, l.Visibility, l.Status, l.StartedAt, l.EndedAt, l.EndReason,
            l.ViewerCount, coins.GetValueOrDefault(Boards.Live(l.Id)))).ToList();
    }
}

/// <summary>The lives on now, newest first (at most <see cref="MaxLives"/>), with creator, viewers and coins gifted: the console's live page.</summary>
public sealed class ListLivesOnAir(SpotlightDb db, IUserDirectory users)
{
    public const int MaxLives = 200;

    public async Task<Outcome<IReadOnlyList<StaffLive>>> HandleAsync(Guid callerId, CancellationToken cancellationToken)
    {
        if (!await StaffLives.IsStaffAsync(users, callerId, cancellationToken))
        {
            return StaffLives.NotStaff;
        }

        var lives = await db.Set<LiveSession>().AsNoTracking().Where(l => l.Status == LiveStatus.Live)
            .OrderByDescending(l => l.StartedAt).ThenByDescending(l => l.Id).Take(MaxLives).ToListAsync(cancellationToken);
        return new Outcome<IReadOnlyList<StaffLive>>(await StaffLives.ShapeAsync(db, users, lives, cancellationToken), null);
    }
}

/// <summary>One live for staff and, while it is on, who is in its LiveKit room (the console's live detail page); 404 unknown.</summary>
public sealed class ReadLiveViewers(SpotlightDb db, IUserDirectory users, LiveKitSettings settings, LiveKitRoomService rooms)
{
    public async Task<Outcome<StaffLiveDetail>> HandleAsync(Guid callerId, Guid liveId, CancellationToken cancellationToken)
    {
        if (!await StaffLives.IsStaffAsync(users, callerId, cancellationToken))
        {
            return StaffLives.NotStaff;
        }

        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        if (live is null)
        {
            return Refusal.NotFound("No live has this id.");
        }

        var shaped = (await StaffLives.ShapeAsync(db, users, [live], cancellationToken))[0];
        if (live.Status != LiveStatus.Live)
        {
            return new StaffLiveDetail(shaped, null, "The live has ended: its room is closed.");
        }

        if (settings.Connection().Refusal is { } notConfigured)
        {
            return new StaffLiveDetail(shaped, null, "LiveKit isn't configured, so who is in the room cannot be listed. " + notConfigured.Detail);
        }

        IReadOnlyList<LiveKitParticipant> participants;
        try
        {
            participants = await rooms.ListParticipantsAsync(live.RoomName, cancellationToken);
        }
        catch (Exception failure) when (failure is LiveKitUnavailableException or LiveKitRequestException)
        {
            return new StaffLiveDetail(shaped, null, "LiveKit could not be asked who is in the room: " + failure.Message);
        }

        var ids = participants.Select(p => Guid.TryParse(p.Identity, out var id) ? id : (Guid?)null).OfType<Guid>().Distinct().ToList();
        var facts = await users.FactsAsync(ids, cancellationToken);
        var kicked = (await db.Set<LiveKick>().AsNoTracking().Where(k => k.LiveId == liveId && ids.Contains(k.UserId)).Select(k => k.UserId).ToListAsync(cancellationToken)).ToHashSet();
        var cards = participants.Select(p =>
        {
            var user = Guid.TryParse(p.Identity, out var id) ? facts.GetValueOrDefault(id) : null;
            return new LiveParticipantCard(p.Identity, user?.Id, user?.Handle, user?.DisplayName ?? (user is null ? p.Name : null), user?.Id == live.CreatorId,
                user?.IsStaff == true, user is not null && kicked.Contains(user.Id));
        }).OrderByDescending(c => c.IsCreator).ThenBy(c => c.Handle ?? c.Identity, StringComparer.OrdinalIgnoreCase).ToList();
        return new StaffLiveDetail(shaped, cards, null);
    }
}
