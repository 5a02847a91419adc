using System.Globalization;
using Microsoft.Extensions.Options;
using Spotlight.Platform.Observability;

namespace Spotlight.Admin.Dashboard;

/// <summary>
/// This node's request rate, error rate (5xx) and latency over the last hour, kept in memory: the platform's meter
/// listener hands it ASP.NET Core's <c>http.server.request.duration</c> measurements (<see cref="IRequestDurationObserver"/>,
/// the same ones <c>/metrics</c> serves), counted into cumulative counters and a latency histogram, and every few seconds a
/// sample of their increase goes into a ring of one hour. Nothing is stored; a restarted node starts an empty hour.
/// </summary>
public sealed class RequestMetricsRing : IRequestDurationObserver, IHostedService, IDisposable
{
    internal static readonly double[] Bounds =
        [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Sample?[] _ring;
    private readonly long[] _buckets = new long[Bounds.Length + 1];
    private readonly long[] _lastBuckets = new long[Bounds.Length + 1];
    private readonly Lock _sampling = new();
    private long _requests;
    private long _errors;
    private long _lastRequests;
    private long _lastErrors;
    private int _next;
    private ITimer? _timer;

    public RequestMetricsRing(TimeProvider time, IOptions<AdminOptions> options)
    {
        _time = time;
        _interval = TimeSpan.FromSeconds(Math.Clamp(options.Value.MetricsSampleSeconds, 0.1, 60));
        _ring = new Sample?[(int)Math.Ceiling(TimeSpan.FromHours(1) / _interval)];
        StartedAt = time.GetUtcNow().UtcDateTime;
    }

    public DateTime StartedAt { get; }

    public TimeSpan Interval => _interval;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(_ => TakeSample(), null, _interval, _interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    void IRequestDurationObserver.OnRequest(double seconds, int statusCode) => Record(seconds, statusCode);

    internal void Record(double seconds, int status)
    {
        var index = Array.BinarySearch(Bounds, seconds);
        Interlocked.Increment(ref _buckets[index >= 0 ? index : ~index]);
        if (status >= 500)
        {
            Interlocked.Increment(ref _errors);
        }

        Interlocked.Increment(ref _requests);
    }

    /// <summary>Closes the current interval: its increase of every counter goes into the ring.</summary>
    internal void TakeSample()
    {
        lock (_sampling)
        {
            var requests = Interlocked.Read(ref _requests);
            var errors = Interlocked.Read(ref _errors);
            var buckets = new long[_buckets.Length];
            for (var i = 0; i < buckets.Length; i++)
            {
                var now = Interlocked.Read(ref _buckets[i]);
                buckets[i] = now - _lastBuckets[i];
                _lastBuckets[i] = now;
            }

            _ring[_next] = new Sample(_time.GetUtcNow().UtcDateTime, _interval.TotalSeconds, requests - _lastRequests, errors - _lastErrors, buckets);
            _next = (_next + 1) % _ring.Length;
            _lastRequests = requests;
            _lastErrors = errors;
        }
    }

    /// <summary>The samples of the last <paramref name="window"/>, oldest first.</summary>
    internal IReadOnlyList<Sample> Samples(TimeSpan window)
    {
        var since = _time.GetUtcNow().UtcDateTime - window;
        lock (_sampling)
        {
            return [.. _ring.Where(s => s is not null && s.At > since).Select(s => s!).OrderBy(s => s.At)];
        }
    }

    /// <summary>Totals over the last hour (or since the node started): null figures when no sample has been taken yet.</summary>
    public TrafficSummary Summary(TimeSpan window) => TrafficSummary.Of(Samples(window));

    /// <summary>One point per minute over the last hour, for the charts.</summary>
    public IReadOnlyList<(DateTime Minute, TrafficSummary Traffic)> PerMinute(TimeSpan window) =>
        [.. Samples(window).GroupBy(s => new DateTime(s.At.Ticks - (s.At.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc))
            .OrderBy(g => g.Key).Select(g => (g.Key, TrafficSummary.Of([.. g])))];

    internal sealed record Sample(DateTime At, double Seconds, long Requests, long Errors, long[] Buckets);
}

/// <summary>Request rate, share of 5xx answers and 95th-percentile latency over some samples.</summary>
public sealed record TrafficSummary(long Requests, double Seconds, double? PerSecond, double? ErrorRate, double? P95Milliseconds)
{
    internal static TrafficSummary Of(IReadOnlyList<RequestMetricsRing.Sample> samples)
    {
        if (samples.Count == 0)
        {
            return new TrafficSummary(0, 0, null, null, null);
        }

        var requests = samples.Sum(s => s.Requests);
        var errors = samples.Sum(s => s.Errors);
        var seconds = samples.Sum(s => s.Seconds);
        var buckets = new long[RequestMetricsRing.Bounds.Length + 1];
        foreach (var sample in samples)
        {
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += sample.Buckets[i];
            }
        }

        return new TrafficSummary(requests, seconds, requests / seconds, requests == 0 ? 0 : (double)errors / requests,
            requests == 0 ? null : Quantile(buckets, requests, 0.95) * 1000);
    }

    /// <summary>Like Prometheus' histogram_quantile: find the bucket, interpolate linearly inside it.</summary>
    internal static double Quantile(long[] buckets, long total, double q)
    {
        var rank = q * total;
        long cumulative = 0;
        var bounds = RequestMetricsRing.Bounds;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (buckets[i] > 0 && cumulative + buckets[i] >= rank)
            {
                if (i == bounds.Length)
                {
                    return bounds[^1];
                }

                var lower = i == 0 ? 0 : bounds[i - 1];
                return lower + ((bounds[i] - lower) * (rank - cumulative) / buckets[i]);
            }

            cumulative += buckets[i];
        }

        return bounds[^1];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Requests} requests in {Seconds:0}s");
}

/// <summary>The dashboard's traffic section, from this node's <see cref="RequestMetricsRing"/>.</summary>
internal sealed class TrafficDashboard(RequestMetricsRing ring) : IDashboardSource
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public int Order => 100;

    public Task<DashboardSection> ReadAsync(CancellationToken cancellationToken)
    {
        var summary = ring.Summary(Hour);
        var minutes = ring.PerMinute(Hour);
        var covered = TimeSpan.FromSeconds(summary.Seconds);
        var hint = summary.Seconds == 0
            ? $"The first sample comes {ring.Interval.TotalSeconds:0} s after start"
            : covered >= Hour - ring.Interval ? "Last hour" : $"Last {Math.Max(1, (int)covered.TotalMinutes)} min (node up since {ring.StartedAt:HH:mm} UTC)";
        string Label(DateTime minute) => minute.ToString("HH:mm", CultureInfo.InvariantCulture);
        var empty = minutes.Count == 0 ? "No samples yet: this node started moments ago." : null;
        var section = new DashboardSection("traffic", "Traffic (this node)",
        [
            new DashboardTile("traffic.perSecond", "Requests per second", summary.PerSecond, TileFormat.PerSecond, hint),
            new DashboardTile("traffic.errorRate", "Error rate (5xx)", summary.ErrorRate, TileFormat.Percent, hint),
            new DashboardTile("traffic.p95", "p95 latency", summary.P95Milliseconds, TileFormat.Milliseconds, hint),
        ],
        [
            new DashboardChart("traffic.perSecond", "Requests per second, last hour", ChartKind.Line, "req/s", TileFormat.PerSecond,
                [.. minutes.Select(m => new ChartPoint(Label(m.Minute), m.Traffic.PerSecond ?? 0, string.Create(CultureInfo.InvariantCulture, $"{Label(m.Minute)} UTC: {m.Traffic.PerSecond:0.##} req/s ({m.Traffic.Requests} requests)")))], empty),
            new DashboardChart("traffic.errorRate", "Error rate (5xx), last hour", ChartKind.Line, "%", TileFormat.Percent,
                [.. minutes.Select(m => new ChartPoint(Label(m.Minute), m.Traffic.ErrorRate ?? 0, string.Create(CultureInfo.InvariantCulture, $"{Label(m.Minute)} UTC: {(m.Traffic.ErrorRate ?? 0) * 100:0.##} % errors")))], empty),
            new DashboardChart("traffic.p95", "p95 latency, last hour", ChartKind.Line, "ms", TileFormat.Milliseconds,
                [.. minutes.Select(m => new ChartPoint(Label(m.Minute), m.Traffic.P95Milliseconds ?? 0, string.Create(CultureInfo.InvariantCulture, $"{Label(m.Minute)} UTC: p95 {m.Traffic.P95Milliseconds ?? 0:0.#} ms")))], empty),
        ],
        Note: "From this node's own metrics, sampled every few seconds; other nodes keep their own.");
        return Task.FromResult(section);
    }
}
