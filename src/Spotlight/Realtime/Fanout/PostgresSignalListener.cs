using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Holds this node's <c>LISTEN</c> connection and feeds every notification to the dispatcher. When the connection drops
/// (a restart, a failover, an operator's <c>pg_terminate_backend</c>), it reconnects with exponential backoff, listens
/// again and only then reads <c>realtime_events</c> from a little before the moment it was last known alive, so nothing
/// committed in the gap is lost; the dispatcher skips what it had already delivered, so nothing arrives twice.
/// </summary>
internal sealed class PostgresSignalListener(
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    SignalDispatcher dispatcher,
    RealtimeNode node,
    RealtimeOptions options,
    ListenerState state,
    TimeProvider time,
    RealtimeMetrics metrics,
    ILogger<PostgresSignalListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Catch up from start-up on the first connection too: a client may connect before the listener does.
        DateTime? resumeFrom = time.GetUtcNow().UtcDateTime;
        var lastAlive = resumeFrom.Value;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ListenerConnectionString());
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    foreach (var signal in RealtimeSignal.ParseMany(e.Payload))
                    {
                        dispatcher.Enqueue(signal);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSignalTransport.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (resumeFrom is { } since)
                {
                    var read = await CatchUpAsync(since - TimeSpan.FromSeconds(options.CatchUpMarginSeconds), stoppingToken);
                    state.CaughtUp(read);
                    resumeFrom = null;
                }

                state.Listening();
                failures = 0;
                var probe = TimeSpan.FromSeconds(options.ListenerProbeSeconds);
                while (!stoppingToken.IsCancellationRequested)
                {
                    lastAlive = time.GetUtcNow().UtcDateTime;
                    if (!await connection.WaitAsync(probe, stoppingToken))
                    {
                        // Quiet for a while: make sure the connection is really there (a dead peer sends no error).
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the listener must outlive any failure of its connection
            catch (Exception exception)
#pragma warning restore CA1031
            {
                resumeFrom ??= lastAlive;
                state.Lost();
                metrics.ListenerReconnects.Add(1);
                // What this node cached (conversation members) may have changed while it could not hear.
                dispatcher.Reset();
                var delay = TimeSpan.FromSeconds(Math.Min(options.ListenerMaxBackoffSeconds, options.ListenerRetrySeconds * Math.Pow(2, failures++)));
                logger.LogWarning(exception, "Realtime listener lost its PostgreSQL connection; retrying in {Delay}", delay);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private string ListenerConnectionString() =>
        new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Default"))
        {
            // Its own connection, outside the pool, named so an operator (or a test) can find it.
            Pooling = false,
            ApplicationName = ApplicationName(node.Id),
            KeepAlive = 15,
        }.ToString();

    public static string ApplicationName(string nodeId) => ("spotlight-listener:" + nodeId) is var name && name.Length > 63 ? name[..63] : name;

    private async Task<int> CatchUpAsync(DateTime since, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var read = 0;
        await foreach (var payload in db.Set<RealtimeEvent>().AsNoTracking().Where(e => e.CreatedAt >= since).OrderBy(e => e.Id)
            .Select(e => e.Payload).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (RealtimeSignal.Parse(payload) is { } signal)
            {
                dispatcher.Enqueue(signal);
                read++;
            }
        }

        logger.LogInformation("Realtime listener caught up: {Count} signal(s) since {Since:O} re-read", read, since);
        return read;
    }
}

/// <summary>Whether this node hears other nodes' signals; read by the readiness check and by tests.</summary>
public sealed class ListenerState
{
    private int _listening;
    private long _reconnects;
    private long _caughtUp;

    public bool IsListening => Volatile.Read(ref _listening) == 1;

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Signals re-read from <c>realtime_events</c> after (re)connecting, in total.</summary>
    public long CaughtUpSignals => Interlocked.Read(ref _caughtUp);

    /// <summary>True at once while listening; otherwise waits up to <paramref name="timeout"/> for the listener to connect.</summary>
    public async Task<bool> WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!IsListening && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellationToken);
        }

        return IsListening;
    }

    internal void Listening() => Volatile.Write(ref _listening, 1);

    internal void Lost()
    {
        Volatile.Write(ref _listening, 0);
        Interlocked.Increment(ref _reconnects);
    }

    internal void CaughtUp(int count) => Interlocked.Add(ref _caughtUp, count);
}
