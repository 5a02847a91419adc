using System.Globalization;
using Spotlight.Identity.Users;

namespace Spotlight.Admin.Dashboard;

/// <summary>
/// Accounts: total, registered today (UTC), active in the last 24 hours (signed in or refreshed a token: access tokens
/// live 15 minutes, so an app in use refreshes its session at least that often), and registrations per day for 30 days.
/// </summary>
internal sealed class UsersDashboard(UserStatistics statistics, TimeProvider time) : IDashboardSource
{
    public const int Days = 30;

    public int Order => 0;

    public async Task<DashboardSection> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var since = now.AddHours(-24);
        var first = today.AddDays(-(Days - 1));
        var counts = await statistics.ReadAsync(since, first, cancellationToken);
        var (total, active, perDay) = (counts.Total, counts.ActiveSince, counts.RegistrationsPerDay);
        var points = new List<ChartPoint>(Days);
        for (var day = first; day <= today; day = day.AddDays(1))
        {
            var key = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var count = perDay.GetValueOrDefault(key);
            points.Add(new ChartPoint(day.ToString("MMM d", CultureInfo.InvariantCulture), count,
                $"{key}: {count.ToString("N0", CultureInfo.InvariantCulture)} registration{(count == 1 ? "" : "s")}"));
        }

        return new DashboardSection("users", "Users",
        [
            new DashboardTile("users.total", "Users", total, TileFormat.Count, "All accounts, banned included", "/admin/users"),
            new DashboardTile("users.newToday", "New today", perDay.GetValueOrDefault(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), TileFormat.Count, "Registered since 00:00 UTC"),
            new DashboardTile("users.active24h", "Active in the last 24 h", active, TileFormat.Count, "Signed in or refreshed a session"),
        ],
        [
            new DashboardChart("users.registrationsPerDay", "Registrations per day, last 30 days", ChartKind.Bar, "Registrations", TileFormat.Count, points,
                points.All(p => p.Value == 0) ? "No registrations in the last 30 days." : null),
        ]);
    }
}
