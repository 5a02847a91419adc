using System.Diagnostics.Metrics;

namespace Spotlight.Realtime;

/// <summary>Instruments on the <c>Spotlight.Realtime</c> meter; <c>/metrics</c> exports them.</summary>
public sealed class RealtimeMetrics
{
    private long _connections;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Realtime");
        meter.CreateObservableGauge("spotlight_realtime_connections", () => Interlocked.Read(ref _connections), description: "Hub connections open on this node.");
        Connects = meter.CreateCounter<long>("spotlight_realtime_connects_total", description: "Hub connections accepted.");
        Refusals = meter.CreateCounter<long>("spotlight_realtime_refusals_total", description: "Hub invocations refused or connections closed, by reason.");
        SignalsDelivered = meter.CreateCounter<long>("spotlight_realtime_signals_total", description: "Signals delivered to this node's connections, by kind.");
        SignalsSkipped = meter.CreateCounter<long>("spotlight_realtime_signals_skipped_total", description: "Signals this node had already delivered (seen again while catching up).");
        SignalFailures = meter.CreateCounter<long>("spotlight_realtime_signal_failures_total", description: "Signals whose delivery failed.");
        SendFailures = meter.CreateCounter<long>("spotlight_realtime_send_failures_total", description: "Sends to a connection that failed (it went away).");
        ListenerReconnects = meter.CreateCounter<long>("spotlight_realtime_listener_reconnects_total", description: "Times the PostgreSQL listener lost its connection.");
        InvocationDuration = meter.CreateHistogram<double>("spotlight_realtime_invocation_seconds", unit: "s", description: "Hub invocation duration, by method.");
    }

    public Counter<long> Connects { get; }

    public Counter<long> Refusals { get; }

    public Counter<long> SignalsDelivered { get; }

    public Counter<long> SignalsSkipped { get; }

    public Counter<long> SignalFailures { get; }

    public Counter<long> SendFailures { get; }

    public Counter<long> ListenerReconnects { get; }

    public Histogram<double> InvocationDuration { get; }

    public void Connected() => Interlocked.Increment(ref _connections);

    public void Disconnected() => Interlocked.Decrement(ref _connections);
}
