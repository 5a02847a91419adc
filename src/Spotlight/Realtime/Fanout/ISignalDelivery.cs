namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Delivers the signals of some kinds to this node's connections (each module delivers its own: Messaging the messages,
/// Notifications the notifications). One dispatcher loop calls it, with signals in the order they were committed.
/// </summary>
public interface ISignalDelivery
{
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>
    /// How long the lane waits, once a signal arrives, for more to deliver with it (zero: at once). Signals delivered back
    /// to back reach each connection in one write (SignalR sends what is pending for a connection as one WebSocket frame),
    /// so a room of thousands costs a frame per connection per window instead of per event.
    /// </summary>
    TimeSpan CoalesceWindow => TimeSpan.Zero;

    /// <summary>Delivers a batch, in order, reading what it needs with as few queries as it can.</summary>
    Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken);

    /// <summary>Forgets cached state: this node may have missed signals that would have changed it (its listener was down).</summary>
    void Reset();
}
