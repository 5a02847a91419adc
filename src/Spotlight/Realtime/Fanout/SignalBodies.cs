using System.Collections.Concurrent;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Bodies this node already holds for the signals it raised (the message it just stored), keyed by signal id, so its own
/// delivery need not read them back from the database. Other nodes read them. Unclaimed bodies (a rolled-back change) expire.
/// </summary>
public sealed class SignalBodies
{
    private static readonly long Lifetime = TimeSpan.FromSeconds(60).Ticks;
    private readonly ConcurrentDictionary<Guid, (object Body, long At)> _bodies = new();
    private long _lastSweep = Environment.TickCount64;

    public int Count => _bodies.Count;

    public void Put(Guid signalId, object body)
    {
        _bodies[signalId] = (body, DateTime.UtcNow.Ticks);
        SweepNowAndThen();
    }

    public bool Has(Guid signalId) => _bodies.ContainsKey(signalId);

    public T? Take<T>(Guid signalId) where T : class => _bodies.TryRemove(signalId, out var entry) ? entry.Body as T : null;

    private void SweepNowAndThen()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < 10_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        var cutoff = DateTime.UtcNow.Ticks - Lifetime;
        foreach (var (id, entry) in _bodies)
        {
            if (entry.At < cutoff)
            {
                _bodies.TryRemove(id, out _);
            }
        }
    }
}
