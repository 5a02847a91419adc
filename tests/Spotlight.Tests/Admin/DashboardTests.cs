using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Spotlight.Admin;
using Spotlight.Admin.Charts;
using Spotlight.Admin.Dashboard;
using Spotlight.Identity;
using Spotlight.Identity.Sessions;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>The dashboard shows real figures: a fixture of its own with this one test, seeded with known accounts and sessions.</summary>
public sealed class DashboardFiguresTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task The_dashboard_shows_the_seeded_user_figures_and_a_bar_per_day()
    {
        var admin = await app.CreateAdminAsync(); // registered today, with two live sessions
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await SeedAsync(now, now, now);                                  // 3 more today
        var fiveDaysAgo = await SeedAsync(now.AddDays(-5), now.AddDays(-5));
        await SeedAsync(now.AddDays(-29));
        var old = await SeedAsync(now.AddDays(-40));                      // before the chart's 30 days
        await SessionAsync(fiveDaysAgo[0], now.AddHours(-2));             // active in the last 24 h
        await SessionAsync(old[0], now.AddHours(-30));                    // not active

        var console = await ConsoleClient.SignInAsync(app, admin);
        var page = await console.GetPageAsync("/admin");
        Assert.Equal("8", page.QuerySelector("[data-tile='users.total']")!.TextContent);
        Assert.Equal("4", page.QuerySelector("[data-tile='users.newToday']")!.TextContent);
        Assert.Equal("2", page.QuerySelector("[data-tile='users.active24h']")!.TextContent);

        var chart = page.QuerySelector("svg[data-chart='users.registrationsPerDay']")!;
        Assert.Equal("img", chart.GetAttribute("role"));
        Assert.Equal("Registrations per day, last 30 days", chart.QuerySelector("title")!.TextContent);
        var bars = chart.QuerySelectorAll("rect.bar").Select(b => double.Parse(b.GetAttribute("data-value")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(30, bars.Length);
        Assert.Equal(1, bars[0]);
        Assert.Equal(2, bars[24]);
        Assert.Equal(4, bars[29]);
        Assert.Equal(7, bars.Sum());
        Assert.All(chart.QuerySelectorAll("rect.bar"), b => Assert.NotNull(b.QuerySelector("title")));
        Assert.Contains(now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ": 4 registrations", chart.QuerySelectorAll("rect.bar")[^1].QuerySelector("title")!.TextContent, StringComparison.Ordinal);

        // The API and the polled JSON say the same.
        var stats = await (await admin.Client.GetAsync("/api/v1/admin/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var tiles = stats.GetProperty("sections")[0].GetProperty("tiles").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetDouble());
        Assert.Equal(8, tiles["users.total"]);
        Assert.Equal(4, tiles["users.newToday"]);
        Assert.Equal(2, tiles["users.active24h"]);
        var live = AdminTestData.Json(await console.Http.GetStringAsync("/admin/dashboard.json"));
        Assert.Equal("8", live.GetProperty("users.total").GetString());
    }

    private Task<List<Guid>> SeedAsync(params DateTime[] createdAt) => app.WithDbAsync(async db =>
    {
        var ids = new List<Guid>();
        foreach (var at in createdAt)
        {
            var handle = app.UniqueHandle("seed");
            var user = new User
            {
                Id = Guid.CreateVersion7(), UserName = handle, NormalizedUserName = handle.ToUpperInvariant(), Email = handle + "@example.com",
                NormalizedEmail = (handle + "@example.com").ToUpperInvariant(), SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = at,
            };
            db.Users.Add(user);
            ids.Add(user.Id);
        }

        await db.SaveChangesAsync();
        return ids;
    });

    private Task SessionAsync(Guid userId, DateTime lastUsedAt) => app.WithDbAsync(async db =>
    {
        db.Add(new Session { Id = Guid.CreateVersion7(), UserId = userId, CreatedAt = lastUsedAt, LastUsedAt = lastUsedAt, ExpiresAt = lastUsedAt.AddDays(30) });
        await db.SaveChangesAsync();
    });
}

public sealed class DashboardTrafficTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Traffic_tiles_come_from_this_nodes_sampled_request_metrics()
    {
        var admin = await app.CreateAdminAsync();
        var ring = app.Services.GetRequiredService<RequestMetricsRing>();
        for (var i = 0; i < 20; i++)
        {
            await app.CreateClient().GetAsync("/health/live");
        }

        ring.TakeSample();
        var stats = await (await admin.Client.GetAsync("/api/v1/admin/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var traffic = stats.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "traffic");
        var perSecond = traffic.GetProperty("tiles").EnumerateArray().Single(t => t.GetProperty("key").GetString() == "traffic.perSecond");
        Assert.True(perSecond.GetProperty("value").GetDouble() > 0);
        Assert.True(ring.Summary(TimeSpan.FromHours(1)).Requests >= 20);
        Assert.True(traffic.GetProperty("charts")[0].GetProperty("points").GetArrayLength() >= 1);
    }

    [Fact]
    public async Task Only_admins_read_the_stats_api()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.GetAsync("/api/v1/admin/stats")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.CreateClient().GetAsync("/api/v1/admin/stats")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

public sealed class RequestMetricsRingTests
{
    [Fact]
    public void Rate_error_share_and_p95_come_from_the_sampled_histogram()
    {
        var clock = new ShiftableClock();
        using var ring = new RequestMetricsRing(clock, Microsoft.Extensions.Options.Options.Create(new AdminOptions { MetricsSampleSeconds = 5 }));
        Assert.Null(ring.Summary(TimeSpan.FromHours(1)).PerSecond);

        for (var i = 0; i < 90; i++)
        {
            ring.Record(0.010, i < 5 ? 500 : 200);
        }

        for (var i = 0; i < 10; i++)
        {
            ring.Record(0.400, 200);
        }

        ring.TakeSample();
        var summary = ring.Summary(TimeSpan.FromHours(1));
        Assert.Equal(100, summary.Requests);
        Assert.Equal(20, summary.PerSecond); // 100 requests in one 5-second sample
        Assert.Equal(0.05, summary.ErrorRate);
        Assert.Equal(400, summary.P95Milliseconds!.Value, precision: 6);

        // An hour later those samples have left the window.
        clock.Advance(TimeSpan.FromMinutes(61));
        ring.TakeSample();
        Assert.Equal(0, ring.Summary(TimeSpan.FromHours(1)).Requests);
    }
}

public sealed class SvgChartTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(6, 6)]
    [InlineData(7, 8)]
    [InlineData(12, 15)]
    [InlineData(230, 300)]
    [InlineData(2150, 3000)]
    [InlineData(0.3, 0.3)]
    public void The_y_axis_ends_on_a_round_number_at_or_above_the_largest_value(double max, double expected) =>
        Assert.Equal(expected, SvgChart.NiceMax(max), precision: 9);

    [Fact]
    public void A_line_chart_has_axes_a_title_per_point_escaped_labels_and_no_inline_style()
    {
        var chart = new DashboardChart("t.x", "Latency <p95>", ChartKind.Line, "ms", TileFormat.Milliseconds,
            [new("10:00", 12, "10:00 <b>12 ms</b>"), new("10:01", 30, "10:01: 30 ms"), new("10:02", 18, "10:02: 18 ms")]);
        var html = ConsoleClient.Parse("<div>" + SvgChart.Render(chart) + "</div>");
        var svg = html.QuerySelector("svg")!;
        Assert.Equal("Latency <p95>", svg.QuerySelector("title")!.TextContent);
        Assert.Equal(3, svg.QuerySelectorAll("circle.point").Length);
        Assert.Equal("10:00 <b>12 ms</b>", svg.QuerySelector("circle.point title")!.TextContent);
        Assert.Single(svg.QuerySelectorAll("polyline.line"));
        Assert.Equal(2, svg.QuerySelectorAll("line.axis").Length);
        Assert.Contains(svg.QuerySelectorAll("text.tick"), t => t.TextContent == "30 ms");
        Assert.Contains("highest 30 ms at 10:01", svg.QuerySelector("desc")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(html.QuerySelectorAll("[style]"));
    }
}
