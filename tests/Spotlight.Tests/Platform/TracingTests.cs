using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Spotlight.Platform.Observability;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Platform;

/// <summary>A server with tracing on (no collector: the spans go to memory instead of OTLP).</summary>
public sealed class TracingApp : SpotlightApp
{
    private readonly List<Activity> _spans = [];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Tracing:Enabled"] = "true" };

    public IReadOnlyList<Activity> Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        base.ConfigureTestServices(services);
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collect(_spans)));
    }

    private sealed class Collect(List<Activity> spans) : OpenTelemetry.BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (spans)
            {
                spans.Add(data);
            }
        }
    }
}

/// <summary>
/// Tracing (docs/operations.md): off unless configured; when on, a request's spans — its own, its database commands —
/// carry its request id, and hub invocations and outbox deliveries have spans of their own.
/// </summary>
public sealed class TracingTests(TracingApp app) : IClassFixture<TracingApp>
{
    [Fact]
    public async Task Every_span_of_a_request_carries_its_request_id()
    {
        var user = await app.CreateUserAsync();
        var requestId = "trace-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add("X-Request-Id", requestId);
        (await user.Client.SendAsync(request)).EnsureSuccessStatusCode();

        var mine = await SpansAsync(s => Equals(s.GetTagItem(SpotlightTracing.RequestIdTag), requestId) && s.Kind == ActivityKind.Server);
        Assert.Contains(mine, s => s.Source.Name == "Microsoft.AspNetCore");
        if (TestDatabase.IsPostgres)
        {
            // The request's SQL, as Npgsql's own spans, under the request with its id.
            await SpansAsync(s => s.Source.Name == "Npgsql" && Equals(s.GetTagItem(SpotlightTracing.RequestIdTag), requestId));
        }
    }

    [Fact]
    public async Task Hub_invocations_and_outbox_deliveries_have_spans()
    {
        var user = await app.CreateUserAsync(); // registering raises UserRegistered: the webhooks' outbox handler runs
        await using var hub = await app.ConnectHubAsync(user);
        await hub.InvokeAsync("LeaveLive", Guid.NewGuid().ToString());

        var invocations = await SpansAsync(s => s.DisplayName == "hub LeaveLive");
        Assert.Equal(2, invocations.Count); // ConnectHubAsync's own round trip, and this one
        Assert.All(invocations, i => Assert.NotNull(i.GetTagItem(SpotlightTracing.RequestIdTag))); // the connection's own request
        await SpansAsync(s => s.DisplayName == "outbox UserRegistered" && s.Source.Name == SpotlightTracing.Source.Name);
    }

    [Fact]
    public async Task Tracing_is_off_unless_configured()
    {
        var plain = new SpotlightApp();
        await plain.InitializeAsync();
        try
        {
            Assert.Null(plain.Services.GetService<TracerProvider>());
            Assert.NotNull(app.Services.GetService<TracerProvider>());
        }
        finally
        {
            await ((IAsyncLifetime)plain).DisposeAsync();
        }
    }

    private async Task<List<Activity>> SpansAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = app.Spans().Where(match).ToList();
            if (found.Count > 0)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "No such span in 15 s.");
            await Task.Delay(100);
        }
    }
}
