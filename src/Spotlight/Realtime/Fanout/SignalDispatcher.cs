using System.Threading.Channels;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// This node's single delivery loop: takes signals in the order they were committed (from PostgreSQL's NOTIFY stream, or
/// in process on SQLite), skips any it has already delivered (a listener that caught up after a drop sees some twice),
/// and hands them in batches to the delivery of their kind. Sends to clients are not awaited one by one, so a slow client
/// cannot hold up everyone else; SignalR keeps each connection's writes in order.
/// </summary>
public sealed class SignalDispatcher(IEnumerable<ISignalDelivery> deliveries, RealtimeMetrics metrics, ILogger<SignalDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 256;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RecentIds _delivered = new(TimeSpan.FromMinutes(2));
    private readonly ISignalDelivery[] _deliveries = deliveries.ToArray();
    private readonly Dictionary<string, ISignalDelivery> _byKind = deliveries.SelectMany(d => d.Kinds.Select(k => (k, d))).ToDictionary(x => x.k, x => x.d, StringComparer.Ordinal);

    public void Enqueue(RealtimeSignal signal) => _queue.Writer.TryWrite(new Item(signal));

    /// <summary>Asks every delivery to drop its caches, in order with the signals around it.</summary>
    public void Reset() => _queue.Writer.TryWrite(new Item(null));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var batch = new List<RealtimeSignal>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var item))
                {
                    if (item.Signal is null)
                    {
                        await DeliverAsync(batch, stoppingToken);
                        foreach (var delivery in _deliveries)
                        {
                            delivery.Reset();
                        }

                        continue;
                    }

                    if (!_delivered.Add(item.Signal.Id))
                    {
                        metrics.SignalsSkipped.Add(1);
                        continue;
                    }

                    batch.Add(item.Signal);
                }

                await DeliverAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(List<RealtimeSignal> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        foreach (var group in batch.GroupBy(s => _byKind.GetValueOrDefault(s.Kind)))
        {
            if (group.Key is null)
            {
                logger.LogWarning("No delivery for signal kind(s) {Kinds}", string.Join(", ", group.Select(s => s.Kind).Distinct()));
                continue;
            }

            var signals = group.ToList();
            try
            {
                await group.Key.DeliverAsync(signals, cancellationToken);
                foreach (var signal in signals)
                {
                    metrics.SignalsDelivered.Add(1, new KeyValuePair<string, object?>("kind", signal.Kind));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // one failing batch must not stop delivery; clients catch up from the database
            catch (Exception exception)
#pragma warning restore CA1031
            {
                metrics.SignalFailures.Add(signals.Count);
                logger.LogError(exception, "Delivering {Count} {Kind} signal(s) failed", signals.Count, signals[0].Kind);
            }
        }

        batch.Clear();
    }

    private readonly record struct Item(RealtimeSignal? Signal);

    /// <summary>Ids seen in the last few minutes: long enough to cover a listener's catch-up window.</summary>
    private sealed class RecentIds(TimeSpan window)
    {
        private readonly HashSet<Guid> _ids = [];
        private readonly Queue<(Guid Id, long At)> _order = new();

        public bool Add(Guid id)
        {
            var now = Environment.TickCount64;
            while (_order.TryPeek(out var oldest) && now - oldest.At > window.TotalMilliseconds)
            {
                _ids.Remove(_order.Dequeue().Id);
            }

            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue((id, now));
            return true;
        }
    }
}

/// <summary>Sends whose completion nobody waits for: failures (a connection that went away) are counted, not thrown.</summary>
internal static class Sends
{
    public static void Forget(Task send, RealtimeMetrics metrics)
    {
        if (send.IsCompletedSuccessfully)
        {
            return;
        }

        send.ContinueWith(static (t, state) => ((RealtimeMetrics)state!).SendFailures.Add(1), metrics,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
