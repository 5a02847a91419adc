using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// How features tell connected users that something happened. A signal staged in a transaction goes out to every node
/// after that transaction commits, and never for one that rolls back, so a client never hears of a message that is not
/// stored. PostgreSQL: a row in <c>realtime_events</c> in the transaction (what a node that missed a NOTIFY reads back),
/// then this node's dispatcher and a NOTIFY to the others after the commit. SQLite (one node): in process, in commit order.
/// </summary>
public sealed class RealtimeFeed(ISignalTransport transport, SignalBodies bodies)
{
    /// <summary>
    /// Adds <paramref name="signal"/> to the caller's open transaction. <paramref name="body"/>, when given, is what this
    /// node's delivery sends without reading it back (the stored message); other nodes read it from the database.
    /// </summary>
    public async Task StageAsync(SpotlightDb db, RealtimeSignal signal, object? body = null, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Stage a realtime signal inside the transaction of the change it announces; use PublishAsync for one with no change.");
        }

        if (body is not null)
        {
            bodies.Put(signal.Id, body);
        }

        await transport.StageAsync(db, signal, cancellationToken);
    }

    /// <summary>Sends a signal that has no change to commit with: a typing notice (not durable), a ban.</summary>
    public Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken = default) =>
        transport.PublishAsync(signal, durable, cancellationToken);
}

/// <summary>Carries signals from the node that raises them to every node's <see cref="SignalDispatcher"/>.</summary>
public interface ISignalTransport
{
    Task StageAsync(SpotlightDb db, RealtimeSignal signal, CancellationToken cancellationToken);

    Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken);
}
