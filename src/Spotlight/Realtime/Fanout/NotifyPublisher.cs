using System.Text;
using System.Threading.Channels;
using Npgsql;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Tells the other nodes about this node's committed signals with <c>pg_notify</c>, in the order they committed, many
/// signals to a payload (a JSON array under PostgreSQL's 8,000-byte limit) and many payloads to a round trip. Its own
/// connection commits asynchronously (<c>synchronous_commit=off</c>): a NOTIFY carries nothing that needs to be durable
/// (the signals' rows are), so it need not wait for a disk flush while holding PostgreSQL's notify lock. A failed send is
/// retried until it goes; only a node that dies between a commit and its NOTIFY leaves other nodes' clients to find
/// those messages on their next catch-up.
/// </summary>
internal sealed class NotifyPublisher(IConfiguration configuration, RealtimeNode node, RealtimeOptions options, ILogger<NotifyPublisher> logger)
    : BackgroundService
{
    private const int MaxPayloadsPerRoundTrip = 16;
    private readonly Channel<RealtimeSignal> _queue = Channel.CreateUnbounded<RealtimeSignal>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(RealtimeSignal signal) => _queue.Writer.TryWrite(signal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Default"))
        {
            ApplicationName = ("spotlight-notify:" + node.Id) is var name && name.Length > 63 ? name[..63] : name,
            Options = "-c synchronous_commit=off",
            MaxPoolSize = 2,
        }.ToString()).Build();
        var reader = _queue.Reader;
        var payloads = new List<string>();
        var current = new StringBuilder();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (payloads.Count < MaxPayloadsPerRoundTrip && reader.TryRead(out var signal))
                {
                    var json = signal.Serialize();
                    if (current.Length > 0 && current.Length + json.Length + 2 > RealtimeSignal.MaxPayloadBytes)
                    {
                        payloads.Add(current.Append(']').ToString());
                        current.Clear();
                    }

                    current.Append(current.Length == 0 ? '[' : ',').Append(json);
                }

                if (current.Length > 0)
                {
                    payloads.Add(current.Append(']').ToString());
                    current.Clear();
                }

                await SendAsync(dataSource, payloads, stoppingToken);
                payloads.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(NpgsqlDataSource dataSource, List<string> payloads, CancellationToken cancellationToken)
    {
        for (var failures = 0; ; failures++)
        {
            try
            {
                await using var batch = dataSource.CreateBatch();
                foreach (var payload in payloads)
                {
                    var notify = new NpgsqlBatchCommand("SELECT pg_notify('spotlight_realtime', $1)");
                    notify.Parameters.Add(new NpgsqlParameter { Value = payload });
                    batch.BatchCommands.Add(notify);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(options.ListenerMaxBackoffSeconds, options.ListenerRetrySeconds * Math.Pow(2, failures)));
                logger.LogWarning(exception, "NOTIFY of {Count} payload(s) failed; retrying in {Delay}", payloads.Count, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
