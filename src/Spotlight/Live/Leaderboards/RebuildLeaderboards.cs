using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Jobs;
using Spotlight.Wallet;

namespace Spotlight.Live.Leaderboards;

/// <summary>
/// Recomputes every board from the ledger's committed, unreversed gifts (Wallet's <see cref="IGiftHistory"/>), in one
/// transaction: the same sums and "reached at" (the latest gift) as live scoring, so the result equals the boards the
/// events built. Gifts scored by events while it runs are kept: their contribution rows conflict with the rebuild's own.
/// </summary>
internal sealed class RebuildLeaderboards(SpotlightDb db, IGiftHistory history)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<LeaderboardScore>().ExecuteDeleteAsync(cancellationToken);
        await db.Set<LeaderboardContribution>().ExecuteDeleteAsync(cancellationToken);
        var gifts = (await history.GiftsAsync(null, cancellationToken)).Select(g => new LeaderboardContribution
        {
            TransactionId = g.TransactionId, SenderId = g.SenderId, RecipientId = g.RecipientId, LiveSessionId = g.LiveSessionId, Amount = g.Amount, SentAt = g.SentAt,
        }).ToList();
        db.AddRange(gifts);
        db.AddRange(gifts.SelectMany(g => Boards.Targets(g).Select(t => (Target: t, g.Amount, g.SentAt)))
            .GroupBy(x => x.Target)
            .Select(s => new LeaderboardScore
            {
                Board = s.Key.Board, Period = s.Key.Period, UserId = s.Key.UserId, Score = s.Sum(x => x.Amount), ReachedAt = s.Max(x => x.SentAt),
            }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return gifts.Count;
    }
}

/// <summary><c>leaderboards rebuild</c>: recomputes every board from the ledger (after a restore, or to check the boards).</summary>
internal sealed class RebuildLeaderboardsCommand : ICliCommand
{
    public IReadOnlyList<string> Words => ["leaderboards", "rebuild"];

    public string Usage => "leaderboards rebuild   recompute every leaderboard from the ledger's committed, unreversed gifts";

    public async Task<int> RunAsync(IReadOnlyDictionary<string, string?> options, IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var gifts = await scope.ServiceProvider.GetRequiredService<RebuildLeaderboards>().RunAsync(cancellationToken);
        Console.WriteLine($"Leaderboards rebuilt from {gifts} gifts.");
        return 0;
    }
}

/// <summary>Deletes day and week periods <see cref="LeaderboardOptions.KeepDays"/> after they end, and old tombstones.</summary>
internal sealed class LeaderboardCleanupJob(SpotlightDb db, LeaderboardOptions options, TimeProvider time) : IJobHandler
{
    public const string JobType = "leaderboard-cleanup";

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.KeepDays);
        // Keys sort as their dates: a day ended before the cutoff is before the cutoff's key, a week a week before it.
        var day = Boards.Day(cutoff.AddDays(-1));
        var week = Boards.Week(cutoff.AddDays(-7));
        await db.Set<LeaderboardScore>()
            .Where(s => (s.Period.StartsWith("day:") && string.Compare(s.Period, day) <= 0) || (s.Period.StartsWith("week:") && string.Compare(s.Period, week) <= 0))
            .ExecuteDeleteAsync(cancellationToken);
        await db.Set<LeaderboardContribution>().Where(c => c.Amount == 0 && c.SentAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
