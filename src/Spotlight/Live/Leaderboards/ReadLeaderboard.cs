using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.Lives;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Leaderboards;

/// <summary>A user as a board shows them.</summary>
internal sealed record LeaderboardUser(Guid Id, string Handle, string? DisplayName, string? AvatarUrl);

internal sealed record LeaderboardItem(int Rank, LeaderboardUser User, long Score);

/// <summary>The caller's own place: null when signed out or not on the board.</summary>
internal sealed record LeaderboardStanding(int Rank, long Score);

internal sealed record LeaderboardResponse(IReadOnlyList<LeaderboardItem> Items, LeaderboardStanding? Me);

/// <summary>
/// Reads one period of one board: the top N in one indexed query (score desc, reached at asc, user id), and the caller's
/// score with the rows ahead of it counted in one more, up to <see cref="LeaderboardOptions.ExactRanks"/>. A caller
/// further down takes their rank from <see cref="LeaderboardRankSnapshots"/> (seconds old) instead of counting every row
/// ahead. Banned users are left out of both (Identity's banned users, composed into the query), so ranks have no gaps.
/// </summary>
internal sealed class LeaderboardReader(SpotlightDb db, IUserDirectory users, LeaderboardRankSnapshots snapshots, LeaderboardOptions options)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    /// <summary>What is wrong with <c>?limit=</c>, or null when it is fine (absent means <see cref="DefaultLimit"/>).</summary>
    public static string? LimitError(int? limit) => limit is < 1 or > MaxLimit ? $"From 1 to {MaxLimit}." : null;

    public async Task<LeaderboardResponse> ReadAsync(string board, string period, Guid? callerId, int? limit, CancellationToken cancellationToken)
    {
        // Banned users are few: excluding them is a hashed NOT IN over a small set (found by the index on BannedAt), where
        // keeping the active ones hashed every user (~480 of ~600 ms of a deep "me" with 1,000,000 scored users).
        var banned = users.BannedUserIds();
        var scores = db.Set<LeaderboardScore>().AsNoTracking().Where(s => s.Board == board && s.Period == period && !banned.Contains(s.UserId));
        var top = await scores.OrderByDescending(s => s.Score).ThenBy(s => s.ReachedAt).ThenBy(s => s.UserId)
            .Take(limit ?? DefaultLimit).Select(s => new { s.UserId, s.Score }).ToListAsync(cancellationToken);
        var cards = await users.FactsAsync(top.Select(t => t.UserId).ToList(), cancellationToken);
        var items = top.Where(t => cards.ContainsKey(t.UserId))
            .Select((t, i) => new LeaderboardItem(i + 1, Card(cards[t.UserId]), t.Score)).ToList();
        // A caller among the top is ranked by the list itself (no more queries), when the list dropped nobody (a score whose
        // user has no card), so its ranks are the counted ones.
        var me = callerId is not { } caller ? null
            : items.Count == top.Count && items.FirstOrDefault(i => i.User.Id == caller) is { } listed ? new LeaderboardStanding(listed.Rank, listed.Score)
            : await StandingAsync(scores, board, period, caller, cancellationToken);
        return new LeaderboardResponse(items, me);
    }

    private async Task<LeaderboardStanding?> StandingAsync(IQueryable<LeaderboardScore> scores, string board, string period, Guid caller, CancellationToken cancellationToken)
    {
        var mine = await scores.Where(m => m.UserId == caller).Select(m => new { m.Score, m.ReachedAt }).SingleOrDefaultAsync(cancellationToken);
        if (mine is null)
        {
            return null;
        }

        // A caller the board's copy (if one was made) places well below the exact ranks is answered from it: no count.
        var (score, reached, exact) = (mine.Score, mine.ReachedAt, options.ExactRanks);
        if (snapshots.AheadIfCopied(board, period, score, reached) is { } copied && copied >= 2 * exact)
        {
            return new LeaderboardStanding(copied + 1, score);
        }

        // Counted with the caller's score as a value, not correlated to their row: the planner then sees how few rows lie
        // above a high score (an index range) and stops at ExactRanks for a low one; as one correlated OR it scanned the
        // whole board for the caller at rank 1. Higher scores, then equal ones reached earlier (or at once, by user id),
        // each in the read index's order so the scan stops where the count does.
        var counts = await scores.Where(m => m.UserId == caller).Select(m => new
        {
            Higher = scores.Where(o => o.Score > score).OrderByDescending(o => o.Score).Take(exact).Count(),
            Level = scores.Where(o => o.Score == score && (o.ReachedAt < reached || (o.ReachedAt == reached && o.UserId < caller)))
                .OrderBy(o => o.ReachedAt).Take(exact).Count(),
        }).SingleAsync(cancellationToken);
        var ahead = counts.Higher + counts.Level;
        if (ahead < exact)
        {
            return new LeaderboardStanding(ahead + 1, score);
        }

        // Deep: the copy's count, never above an exact rank (the copy may predate scores that passed the caller). No copy
        // yet: counted in full this once.
        ahead = snapshots.Ahead(board, period, score, reached)
            ?? await scores.CountAsync(o => o.Score > score || (o.Score == score && o.ReachedAt < reached), cancellationToken);
        return new LeaderboardStanding(Math.Max(ahead, exact) + 1, score);
    }

    private static LeaderboardUser Card(UserFacts facts) => new(facts.Id, facts.Handle, facts.DisplayName, facts.AvatarUrl);
}

/// <summary><c>GET /live/{id}/leaderboard</c>: a live's top gifters; 404 for an unknown live. Readable by whoever may read the live (anyone, as <see cref="ReadLive"/>).</summary>
internal sealed class ReadLiveLeaderboard(SpotlightDb db, LeaderboardReader reader)
{
    public async Task<Outcome<LeaderboardResponse>> HandleAsync(Guid liveId, Guid? callerId, int? limit, CancellationToken cancellationToken)
    {
        if (LeaderboardReader.LimitError(limit) is { } invalid)
        {
            return Refusal.Invalid("limit", invalid);
        }

        if (!await db.Set<LiveSession>().AnyAsync(l => l.Id == liveId, cancellationToken))
        {
            return Refusal.NotFound("No live has this id.");
        }

        return await reader.ReadAsync(Boards.Live(liveId), Boards.All, callerId, limit, cancellationToken);
    }
}

/// <summary>
/// <c>GET /leaderboards/{creators|gifters}?period=day|week|all&amp;at=yyyy-MM-dd</c>: the period containing <c>at</c> (a UTC
/// date; today when absent). 400 <c>validation_failed</c> for another board, period or date.
/// </summary>
internal sealed class ReadLeaderboard(LeaderboardReader reader, TimeProvider time)
{
    public async Task<Outcome<LeaderboardResponse>> HandleAsync(string board, string? period, string? at, Guid? callerId, int? limit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (board is not (Boards.Creators or Boards.Gifters))
        {
            errors.Add("board", "Use creators or gifters.");
        }

        var day = time.GetUtcNow().UtcDateTime;
        if (at is not null)
        {
            if (DateTime.TryParseExact(at, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            {
                day = parsed;
            }
            else
            {
                errors.Add("at", "A UTC date, yyyy-MM-dd.");
            }
        }

        var key = Boards.PeriodKey(period ?? Boards.All, day);
        if (key is null)
        {
            errors.Add("period", "Use day, week or all.");
        }

        if (LeaderboardReader.LimitError(limit) is { } invalidLimit)
        {
            errors.Add("limit", invalidLimit);
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        return await reader.ReadAsync(board, key!, callerId, limit, cancellationToken);
    }
}
