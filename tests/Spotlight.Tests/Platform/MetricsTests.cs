using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed class MetricsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private async Task<PrometheusText> ScrapeAsync()
    {
        var response = await app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Scrapes until <paramref name="recorded"/> holds, for up to 10 s. ASP.NET Core records a request's duration when it
    /// disposes the request, which can be a moment after the client already has the response (CI once scraped first).
    /// </summary>
    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> recorded)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var metrics = await ScrapeAsync();
            if (recorded(metrics))
            {
                return metrics;
            }

            Assert.True(DateTime.UtcNow < deadline, "the requests were never recorded:\n" + string.Join("\n", metrics.Types.Keys));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Metrics_are_valid_prometheus_text_with_request_durations_by_route_method_and_status_class()
    {
        var client = app.CreateClient();
        await client.GetAsync("/health/live");
        await client.GetAsync("/api/v1/users/nobody_here_at_all");
        var metrics = await ScrapeUntilAsync(m =>
            m.Value("http_server_request_duration_seconds_count", ("route", "/health/live"), ("method", "GET"), ("status_class", "2xx")) >= 1 &&
            m.Value("http_server_request_duration_seconds_count", ("route", "/api/v1/users/{handle}"), ("method", "GET"), ("status_class", "4xx")) >= 1);

        Assert.Equal("histogram", metrics.Types["http_server_request_duration_seconds"]);
        Assert.Equal("gauge", metrics.Types["http_server_requests_in_flight"]);
    }

    [Fact]
    public async Task Process_runtime_and_thread_pool_figures_are_exported()
    {
        var metrics = await ScrapeAsync();
        foreach (var name in new[] { "process_cpu_seconds_total", "process_resident_memory_bytes", "dotnet_gc_heap_bytes", "dotnet_gc_collections_total", "dotnet_threadpool_threads", "dotnet_threadpool_queue_length" })
        {
            Assert.Contains(name, metrics.Types.Keys);
        }

        Assert.True(metrics.Value("process_resident_memory_bytes") > 1024 * 1024);
    }

    [Fact]
    public async Task Business_counters_of_features_appear_beside_the_platform_ones()
    {
        var before = (await ScrapeAsync()).Value("spotlight_registrations_total");
        await app.CreateUserAsync();
        var metrics = await ScrapeAsync();
        Assert.Equal(before + 1, metrics.Value("spotlight_registrations_total"));
        Assert.Equal("counter", metrics.Types["spotlight_registrations_total"]);
        Assert.True(metrics.Value("spotlight_logins_total") >= 0);
    }

    [Fact]
    public async Task Metrics_and_health_are_outside_the_public_rate_limits()
    {
        var response = await app.CreateClient().GetAsync("/metrics");
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        Assert.False((await app.CreateClient().GetAsync("/health/ready")).Headers.Contains("X-RateLimit-Limit"));
    }
}

public sealed class RestrictedMetricsApp : SpotlightApp
{
    public const string Token = "test-scraper-token-0123456789";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Metrics:Restrict"] = "true",
        ["Metrics:Token"] = Token,
        ["Metrics:AllowedNetworks:0"] = "10.99.0.0/16",
    };
}

public sealed class RestrictedMetricsTests(RestrictedMetricsApp app) : IClassFixture<RestrictedMetricsApp>
{
    [Fact]
    public async Task Outside_the_allowed_networks_metrics_need_the_token()
    {
        var anonymous = await app.CreateClient().GetAsync("/metrics");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var wrong = app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await wrong.GetAsync("/metrics")).StatusCode);

        var scraper = app.CreateClient();
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RestrictedMetricsApp.Token);
        var allowed = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        PrometheusText.Parse(await allowed.Content.ReadAsStringAsync());
    }
}
