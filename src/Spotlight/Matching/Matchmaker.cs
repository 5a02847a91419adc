using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Background;
using Spotlight.Platform.Jobs;
using Spotlight.Social;

namespace Spotlight.Matching;

/// <summary>
/// One pairing pass over the queue, safe on every node at once: on PostgreSQL the pass holds a transaction-scoped advisory
/// lock (one pass at a time in the cluster, each seeing every committed join) and reads the queue
/// <c>FOR UPDATE SKIP LOCKED</c> (a row a join or leave is changing right now waits for the next pass); on SQLite the
/// transaction is the single writer. Oldest waiting first, each takes the oldest compatible partner: filters accepted both
/// ways (<see cref="MatchFilters.Accepts"/>), no block either way (Social's <see cref="IBlockList"/>), not banned, and not
/// the same partner within <see cref="MatchingOptions.RepeatAfterMinutes"/>. Paired rows leave the queue, a match row is
/// written, and both users' <c>matched</c> events are staged, all in one transaction: nobody is paired twice.
/// </summary>
internal sealed class Matchmaker(SpotlightDb db, DatabaseOptions database, IBlockList blocks, MatchAnnouncer announcer, MatchingOptions options, TimeProvider time)
{
    /// <summary>The advisory lock's key: <c>hashtext('spotlight:matchmaker')</c> would do, a constant is plainer.</summary>
    private const long LockKey = 0x5370_6F74_4D61_7463; // "SpotMatc"

    /// <summary>Pairs whoever can be paired; true when the batch was full and another pass should follow at once.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        // Most passes find nobody to pair: say so without taking the lock (a join after this read nudges a pass of its own).
        // Ordered (on the JoinedAt index) only so that EF does not warn of a row limit without an order on every start.
        if (await db.Set<QueueEntry>().OrderBy(q => q.JoinedAt).Take(2).CountAsync(cancellationToken) < 2)
        {
            return false;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        List<QueueEntry> waiting;
        if (database.IsPostgres)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
            waiting = await db.Set<QueueEntry>().FromSql($"""
                SELECT * FROM match_queue ORDER BY "JoinedAt", "UserId" LIMIT {options.BatchSize} FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(cancellationToken);
        }
        else
        {
            waiting = await db.Set<QueueEntry>().AsNoTracking().OrderBy(q => q.JoinedAt).ThenBy(q => q.UserId).Take(options.BatchSize).ToListAsync(cancellationToken);
        }

        if (waiting.Count < 2 || !announcer.IsReady(out _))
        {
            return false;
        }

        var full = waiting.Count == options.BatchSize;
        var ids = waiting.Select(q => q.UserId).ToList();
        var facts = await announcer.CardsAsync(ids, cancellationToken);
        waiting.RemoveAll(q => !facts.TryGetValue(q.UserId, out var f) || f.IsBanned);
        var recent = await RecentPairsAsync(ids, cancellationToken);
        var pairs = await PairAsync(waiting, ids, recent, cancellationToken);
        if (pairs.Count == 0)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var paired = pairs.SelectMany(p => new[] { p.A.UserId, p.B.UserId }).ToList();
        await db.Set<QueueEntry>().Where(q => paired.Contains(q.UserId)).ExecuteDeleteAsync(cancellationToken);
        var matches = new List<Match>();
        foreach (var (a, b) in pairs)
        {
            var id = Guid.CreateVersion7();
            matches.Add(new Match
            {
                Id = id, UserA = a.UserId, UserB = b.UserId, RoomName = Match.RoomFor(id), StartedAt = now,
                LanguagesA = a.Languages, RegionA = a.Region, LanguagesB = b.Languages, RegionB = b.Region,
            });
        }

        db.AddRange(matches);
        await db.SaveChangesAsync(cancellationToken);
        await announcer.StageMatchedAsync(db, matches, facts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return full;
    }

    /// <summary>Greedy, oldest first: each waiting user takes the oldest compatible one after them.</summary>
    private async Task<List<(QueueEntry A, QueueEntry B)>> PairAsync(List<QueueEntry> waiting, List<Guid> ids, HashSet<(Guid, Guid)> recent, CancellationToken cancellationToken)
    {
        var filters = waiting.ToDictionary(q => q.UserId, q => MatchFilters.FromStored(q.Languages, q.Region));
        var taken = new HashSet<Guid>();
        var pairs = new List<(QueueEntry, QueueEntry)>();
        for (var i = 0; i < waiting.Count; i++)
        {
            var first = waiting[i];
            if (taken.Contains(first.UserId))
            {
                continue;
            }

            HashSet<Guid>? blocked = null; // asked only when a candidate passes the cheap checks
            for (var j = i + 1; j < waiting.Count; j++)
            {
                var second = waiting[j];
                if (taken.Contains(second.UserId) || !filters[first.UserId].Accepts(filters[second.UserId]) || recent.Contains(Key(first.UserId, second.UserId)))
                {
                    continue;
                }

                var self = first.UserId;
                blocked ??= (await blocks.BlockedEitherWay(self).Where(other => ids.Contains(other)).ToListAsync(cancellationToken)).ToHashSet();
                if (blocked.Contains(second.UserId))
                {
                    continue;
                }

                taken.Add(first.UserId);
                taken.Add(second.UserId);
                pairs.Add((first, second));
                break;
            }
        }

        return pairs;
    }

    /// <summary>Pairs among <paramref name="ids"/> whose last match started or ended within the repeat window (either order).</summary>
    private async Task<HashSet<(Guid, Guid)>> RecentPairsAsync(List<Guid> ids, CancellationToken cancellationToken)
    {
        if (options.RepeatAfterMinutes == 0)
        {
            return [];
        }

        var cutoff = time.GetUtcNow().UtcDateTime.AddMinutes(-options.RepeatAfterMinutes);
        var recent = await db.Set<Match>().AsNoTracking()
            .Where(m => (m.StartedAt > cutoff || m.EndedAt > cutoff) && ids.Contains(m.UserA) && ids.Contains(m.UserB))
            .Select(m => new { m.UserA, m.UserB })
            .ToListAsync(cancellationToken);
        return recent.Select(m => Key(m.UserA, m.UserB)).ToHashSet();
    }

    private static (Guid, Guid) Key(Guid a, Guid b) => a.CompareTo(b) < 0 ? (a, b) : (b, a);
}

/// <summary>
/// Runs a pass on this node as soon as someone joins here (<see cref="Nudge"/>), so a pair forms within a round trip or
/// two; passes on several nodes serialize on the advisory lock. Nudges that come during a pass fold into one more pass.
/// </summary>
internal sealed class MatchmakerLoop(IServiceScopeFactory scopes, ILogger<MatchmakerLoop> logger) : BackgroundService
{
    /// <summary>Without a nudge the loop still runs this often (the <c>match-sweep</c> job is the cluster's regular pass).</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    private readonly WakeSignal _signal = new();

    public void Nudge() => _signal.Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Nothing at start-up (the job runner's first match-sweep covers a queue left by a restart): the first
            // requests of a fresh node should not share its cold start with a pass.
            await _signal.WaitAsync(Idle, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await PollingLoop.RunAsync(async cancellationToken =>
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Matchmaker>().RunAsync(cancellationToken);
        }, _signal, Idle, logger, stoppingToken);
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}

/// <summary>The cluster's regular pass (<c>Matching:SweepSeconds</c>): pairs users a join did not, e.g. once a repeat window has passed.</summary>
internal sealed class MatchSweepJob(Matchmaker matchmaker) : IJobHandler
{
    public string Type => "match-sweep";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        while (await matchmaker.RunAsync(cancellationToken))
        {
        }
    }
}
