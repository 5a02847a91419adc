using System.Threading.Channels;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// This node's delivery loops, one per <see cref="ISignalDelivery"/> (a lane): each takes its signals in the order they
/// were committed (from PostgreSQL's NOTIFY stream, or in process), skips any it has already delivered (a listener that
/// caught up after a drop sees some twice), and hands them to its delivery in batches. Lanes do not wait for each other,
/// so a burst of presence changes (each needs a query for its audience) never holds up messages. Sends to clients are
/// not awaited one by one, so a slow client cannot hold up everyone else; SignalR keeps each connection's writes in order.
/// A delivery may ask for a short <see cref="ISignalDelivery.CoalesceWindow"/> (live rooms): its lane then gathers what
/// arrives in that window and delivers it back to back.
/// </summary>
public sealed class SignalDispatcher(IEnumerable<ISignalDelivery> deliveries, RealtimeMetrics metrics, ILogger<SignalDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 256;
    private readonly Lane[] _lanes = deliveries.Select(d => new Lane(d)).ToArray();
    private Dictionary<string, Lane>? _byKind;

    private Dictionary<string, Lane> ByKind => _byKind ??= _lanes.SelectMany(l => l.Delivery.Kinds.Select(k => (k, l))).ToDictionary(x => x.k, x => x.l, StringComparer.Ordinal);

    public void Enqueue(RealtimeSignal signal)
    {
        if (ByKind.TryGetValue(signal.Kind, out var lane))
        {
            lane.Queue.Writer.TryWrite(new Item(signal));
        }
        else
        {
            logger.LogWarning("No delivery for signal kind {Kind}", signal.Kind);
        }
    }

    /// <summary>Asks every delivery to drop its caches, in order with the signals around it.</summary>
    public void Reset()
    {
        foreach (var lane in _lanes)
        {
            lane.Queue.Writer.TryWrite(new Item(null));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(_lanes.Select(lane => RunAsync(lane, stoppingToken)));

    private async Task RunAsync(Lane lane, CancellationToken stoppingToken)
    {
        var reader = lane.Queue.Reader;
        var batch = new List<RealtimeSignal>(BatchSize);
        try
        {
            var window = lane.Delivery.CoalesceWindow;
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (window > TimeSpan.Zero)
                {
                    await Task.Delay(window, stoppingToken);
                }

                while (batch.Count < BatchSize && reader.TryRead(out var item))
                {
                    if (item.Signal is null)
                    {
                        await DeliverAsync(lane, batch, stoppingToken);
                        lane.Delivery.Reset();
                        continue;
                    }

                    if (!lane.Delivered.Add(item.Signal.Id))
                    {
                        metrics.SignalsSkipped.Add(1);
                        continue;
                    }

                    batch.Add(item.Signal);
                }

                await DeliverAsync(lane, batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(Lane lane, List<RealtimeSignal> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await lane.Delivery.DeliverAsync(batch, cancellationToken);
            foreach (var signal in batch)
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
            metrics.SignalFailures.Add(batch.Count);
            logger.LogError(exception, "Delivering {Count} {Kind} signal(s) failed", batch.Count, batch[0].Kind);
        }

        batch.Clear();
    }

    private readonly record struct Item(RealtimeSignal? Signal);

    private sealed class Lane(ISignalDelivery delivery)
    {
        public ISignalDelivery Delivery { get; } = delivery;

        public Channel<Item> Queue { get; } = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });

        public RecentIds Delivered { get; } = new(TimeSpan.FromMinutes(2));
    }

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
