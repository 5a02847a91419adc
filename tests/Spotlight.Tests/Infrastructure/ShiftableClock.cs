namespace Spotlight.Tests.Infrastructure;

/// <summary>The real clock plus an offset a test moves forward, so "15 minutes later" takes no time.</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
}
