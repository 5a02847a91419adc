using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>One node (SQLite): signals go to this node's dispatcher when their transaction commits, in commit order.</summary>
internal sealed class InProcessSignalTransport(SignalDispatcher dispatcher) : CommittedSignals(orderAllCommits: true), ISignalTransport
{
    public Task StageAsync(SpotlightDb db, RealtimeSignal signal, CancellationToken cancellationToken)
    {
        Hold(this, db, signal);
        return Task.CompletedTask;
    }

    public Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken)
    {
        dispatcher.Enqueue(signal);
        return Task.CompletedTask;
    }

    protected override void Committed(IReadOnlyList<RealtimeSignal> signals)
    {
        foreach (var signal in signals)
        {
            dispatcher.Enqueue(signal);
        }
    }
}
