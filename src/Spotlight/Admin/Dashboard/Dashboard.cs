namespace Spotlight.Admin.Dashboard;

/// <summary>How a tile's number reads: a count, a rate per second, a percentage, milliseconds, or coins.</summary>
public enum TileFormat
{
    Count,
    PerSecond,
    Percent,
    Milliseconds,
    Coins,

    /// <summary>The ledger's state: 1 balanced, 0 not.</summary>
    Balanced,
}

public enum ChartKind
{
    Line,
    Bar,
}

/// <summary>
/// One number on the dashboard. <see cref="Value"/> is null when there is no data yet (shown as "—" with the hint);
/// <see cref="Alert"/> marks a figure that needs someone's attention (an unbalanced ledger).
/// </summary>
public sealed record DashboardTile(string Key, string Label, double? Value, TileFormat Format, string? Hint = null, string? Href = null, bool Alert = false);

public sealed record ChartPoint(string Label, double Value, string Tooltip);

public sealed record DashboardChart(string Key, string Title, ChartKind Kind, string YLabel, TileFormat Format, IReadOnlyList<ChartPoint> Points, string? EmptyMessage = null);

/// <summary>A group of tiles and charts that one module contributes (users, traffic; the wallet adds money).</summary>
public sealed record DashboardSection(string Key, string Title, IReadOnlyList<DashboardTile> Tiles, IReadOnlyList<DashboardChart> Charts, string? Note = null);

/// <summary>
/// A module's part of the dashboard. The page, <c>GET /api/v1/admin/stats</c> and the counters the page polls all read
/// the registered sources in <see cref="Order"/>, so a new module (the wallet's money tiles) adds one class and one
/// <c>AddDashboardSource</c> line, and nothing else changes.
/// </summary>
public interface IDashboardSource
{
    int Order { get; }

    /// <summary>Only administrators see this section (money); moderators get the rest of the dashboard.</summary>
    bool AdminOnly => false;

    Task<DashboardSection> ReadAsync(CancellationToken cancellationToken);
}

public sealed record DashboardSnapshot(DateTime GeneratedAt, IReadOnlyList<DashboardSection> Sections);

/// <summary>Reads every source the viewer may see, in order, in the caller's scope.</summary>
public sealed class DashboardReader(IEnumerable<IDashboardSource> sources, TimeProvider time)
{
    public async Task<DashboardSnapshot> ReadAsync(bool forAdmin, CancellationToken cancellationToken)
    {
        var sections = new List<DashboardSection>();
        foreach (var source in sources.Where(s => forAdmin || !s.AdminOnly).OrderBy(s => s.Order))
        {
            sections.Add(await source.ReadAsync(cancellationToken));
        }

        return new DashboardSnapshot(time.GetUtcNow().UtcDateTime, sections);
    }
}

public static class DashboardServiceCollectionExtensions
{
    /// <summary>Adds a module's section to the dashboard (scoped: it may use the database context).</summary>
    public static IServiceCollection AddDashboardSource<TSource>(this IServiceCollection services) where TSource : class, IDashboardSource =>
        services.AddScoped<IDashboardSource, TSource>();
}
