using System.Collections.Concurrent;

namespace Spotlight.Wallet;

/// <summary>
/// A node's memory of the money totals of days that are over, so the dashboard (read on every load and poll) adds up
/// only today's transactions. A day is kept once it ended more than <see cref="Settle"/> ago (a transaction dated just
/// before midnight may commit a moment after it) and for <see cref="KeepFor"/>, so nothing can stay wrong for longer.
/// </summary>
internal sealed class ClosedDayTotals
{
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);

    private const int MaxDays = 400;

    private readonly ConcurrentDictionary<DateOnly, (DailyMoneyTotals Totals, DateTimeOffset Until)> days = new();

    public DailyMoneyTotals? TryGet(DateOnly day, DateTimeOffset now) =>
        days.TryGetValue(day, out var kept) && kept.Until > now && kept.Until - now <= KeepFor ? kept.Totals : null;

    public void Keep(DailyMoneyTotals totals, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(totals);
        if (days.Count >= MaxDays)
        {
            days.Clear();
        }

        days[totals.Day] = (totals, now + KeepFor);
    }
}
