using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Spotlight.Realtime;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Tests.Realtime;

/// <summary>
/// A delivery that asks for a coalescing window (live rooms) gets what arrived within it in one batch, in commit order,
/// so each viewer receives a busy live's events in one write; a lane without a window is not held back by it.
/// </summary>
public sealed class SignalCoalescingTests
{
    [Fact]
    public async Task Signals_arriving_within_a_deliverys_window_are_delivered_together_in_order()
    {
        var live = new RecordingDelivery("test-live", TimeSpan.FromMilliseconds(300));
        await using var dispatcher = await StartAsync(live);
        var signals = Enumerable.Range(0, 3).Select(i => new RealtimeSignal { Kind = "test-live", Number = i }).ToArray();

        foreach (var signal in signals)
        {
            dispatcher.Value.Enqueue(signal);
            await Task.Delay(20);
        }

        var batch = await live.NextBatchAsync();
        Assert.Equal(signals.Select(s => s.Id), batch.Select(s => s.Id));
    }

    [Fact]
    public async Task A_window_holds_back_only_its_own_lane()
    {
        var live = new RecordingDelivery("test-live", TimeSpan.FromSeconds(3));
        var events = new RecordingDelivery("test-event", TimeSpan.Zero);
        await using var dispatcher = await StartAsync(live, events);

        dispatcher.Value.Enqueue(new RealtimeSignal { Kind = "test-live" });
        dispatcher.Value.Enqueue(new RealtimeSignal { Kind = "test-event" });

        Assert.Single(await events.NextBatchAsync());
        Assert.False(live.HasBatch, "the live lane delivered before its window ended");
        Assert.Single(await live.NextBatchAsync());
    }

    private static async Task<Started> StartAsync(params ISignalDelivery[] deliveries)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var dispatcher = new SignalDispatcher(deliveries, new RealtimeMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<SignalDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        return new Started(dispatcher, services);
    }

    private sealed record Started(SignalDispatcher Value, ServiceProvider Services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Value.StopAsync(CancellationToken.None);
            Value.Dispose();
            await Services.DisposeAsync();
        }
    }

    private sealed class RecordingDelivery(string kind, TimeSpan window) : ISignalDelivery
    {
        private readonly System.Threading.Channels.Channel<RealtimeSignal[]> _batches = System.Threading.Channels.Channel.CreateUnbounded<RealtimeSignal[]>();

        public IReadOnlyCollection<string> Kinds { get; } = [kind];

        public TimeSpan CoalesceWindow => window;

        public Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
        {
            _batches.Writer.TryWrite([.. signals]);
            return Task.CompletedTask;
        }

        public void Reset()
        {
        }

        public bool HasBatch => _batches.Reader.Count > 0;

        public async Task<RealtimeSignal[]> NextBatchAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await _batches.Reader.ReadAsync(timeout.Token);
        }
    }
}
