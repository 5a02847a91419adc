using System.Collections.Concurrent;
using Npgsql;

namespace Spotlight.Platform.RateLimiting;

/// <summary>Counts hits in fixed windows. Returns the count after this hit.</summary>
public interface IRateLimitStore
{
    ValueTask<long> IncrementAsync(string key, long windowStart, int windowSeconds, CancellationToken cancellationToken);
}

/// <summary>For one node: counters in memory, stale windows swept once a minute.</summary>
internal sealed class MemoryRateLimitStore : IRateLimitStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Timer _sweeper;
    private readonly TimeProvider _time;

    public MemoryRateLimitStore(TimeProvider time)
    {
        _time = time;
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    public ValueTask<long> IncrementAsync(string key, long windowStart, int windowSeconds, CancellationToken cancellationToken)
    {
        var window = _windows.GetOrAdd(key, static (_, state) => new Window(state.windowStart, state.windowSeconds), (windowStart, windowSeconds));
        lock (window)
        {
            if (window.Start != windowStart)
            {
                window.Start = windowStart;
                window.Seconds = windowSeconds;
                window.Count = 0;
            }

            return ValueTask.FromResult(++window.Count);
        }
    }

    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var (key, window) in _windows)
        {
            if (window.Start + window.Seconds < now)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window(long start, int seconds)
    {
        public long Start { get; set; } = start;

        public int Seconds { get; set; } = seconds;

        public long Count { get; set; }
    }
}

/// <summary>
/// For several nodes: one upsert per hit, one round trip, so every node sees the same count.
/// Expired windows are deleted by the <c>rate-limit-cleanup</c> job.
/// </summary>
internal sealed class PostgresRateLimitStore(NpgsqlDataSource dataSource) : IRateLimitStore
{
    private const string Sql = """
        INSERT INTO rate_limit_counters ("Key", "WindowStart", "Count", "ExpiresAt") VALUES ($1, $2, 1, $3)
        ON CONFLICT ("Key", "WindowStart") DO UPDATE SET "Count" = rate_limit_counters."Count" + 1
        RETURNING "Count"
        """;

    public async ValueTask<long> IncrementAsync(string key, long windowStart, int windowSeconds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = windowStart });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.UnixEpoch.AddSeconds(windowStart + windowSeconds) });
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }
}
