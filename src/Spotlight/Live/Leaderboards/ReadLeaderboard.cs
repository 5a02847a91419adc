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
/// rank in one more (the count of rows ahead of theirs, plus one). Banned users are left out of both (Identity's banned
/// users, composed into the query), so ranks have no gaps.
/// </summary>
internal sealed class LeaderboardReader(SpotlightDb db, IUserDirectory users)
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
        LeaderboardStanding? me = null;
        if (callerId is { } caller)
        {
            var mine = await scores.Where(m => m.UserId == caller)
                .Select(m => new
                {
                    m.Score,
                    Ahead = scores.Count(o => o.Score > m.Score || (o.Score == m.Score && o.ReachedAt < m.ReachedAt)
                        || (o.Score == m.Score && o.ReachedAt == m.ReachedAt && o.UserId < m.UserId)),
                })
                .SingleOrDefaultAsync(cancellationToken);
            me = mine is null ? null : new LeaderboardStanding(mine.Ahead + 1, mine.Score);
        }

        var cards = await users.FactsAsync(top.Select(t => t.UserId).ToList(), cancellationToken);
        var items = top.Where(t => cards.ContainsKey(t.UserId))
            .Select((t, i) => new LeaderboardItem(i + 1, Card(cards[t.UserId]), t.Score)).ToList();
        return new LeaderboardResponse(items, me);
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
