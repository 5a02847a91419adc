using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Spotlight.Platform.Observability;

/// <summary>
/// Collects measurements with a <see cref="MeterListener"/> (no Prometheus exporter package restores here) and
/// writes them in the Prometheus text exposition format. It listens to the meters of this host only
/// (<see cref="Meter.Scope"/> is this container's <see cref="IMeterFactory"/>): Spotlight's own <c>Spotlight.*</c>
/// meters and ASP.NET Core's request-duration histogram, labelled by route template, method and status class.
/// It is the node's only listener: every request's duration and status also go to each
/// <see cref="IRequestDurationObserver"/> (the admin dashboard's ring), so nothing else listens to the meters.
/// See docs/decisions/0008-metrics-pipeline.md.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _scope;
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _instruments = new();

    private readonly IRequestDurationObserver[] _requestObservers;

    public PrometheusExporter(IMeterFactory meterFactory, IEnumerable<IRequestDurationObserver> requestObservers)
    {
        _scope = meterFactory;
        _requestObservers = [.. requestObservers];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, _scope))
            {
                return;
            }

            var series = instrument.Meter.Name switch
            {
                "Microsoft.AspNetCore.Hosting" when instrument.Name == "http.server.request.duration" =>
                    new InstrumentSeries("http_server_request_duration_seconds", "HTTP request duration by route template, method and status class.", "histogram", RequestLabels)
                    {
                        Tap = _requestObservers.Length == 0 ? null : NotifyRequestObservers,
                    },
                "Microsoft.AspNetCore.Hosting" when instrument.Name == "http.server.active_requests" =>
                    new InstrumentSeries("http_server_requests_in_flight", "HTTP requests being processed now.", "gauge", NoLabels),
                _ when instrument.Meter.Name.StartsWith("Spotlight", StringComparison.Ordinal) =>
                    new InstrumentSeries(Sanitize(instrument.Name), instrument.Description ?? instrument.Name, KindOf(instrument), AllLabels),
                _ => null,
            };
            if (series is not null)
            {
                _instruments[instrument] = series;
                listener.EnableMeasurementEvents(instrument, series);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _instruments.TryRemove(instrument, out var removed);
        _listener.SetMeasurementEventCallback<long>((i, value, tags, state) => ((InstrumentSeries)state!).Record(i, value, tags));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, state) => ((InstrumentSeries)state!).Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, state) => ((InstrumentSeries)state!).Record(i, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder(8192);
        foreach (var series in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            series.WriteTo(text);
        }

        WriteProcessMetrics(text);
        return text.ToString();
    }

    /// <summary>Hands one request's duration and status code to every observer (after the series recorded it).</summary>
    private void NotifyRequestObservers(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var status = 0;
        foreach (var tag in tags)
        {
            if (tag.Key == "http.response.status_code" && tag.Value is int code)
            {
                status = code;
            }
        }

        foreach (var observer in _requestObservers)
        {
            observer.OnRequest(seconds, status);
        }
    }

    private static string KindOf(Instrument instrument) => instrument switch
    {
        _ when instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) => "histogram",
        _ when instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal) => "counter",
        _ when instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal) => "counter_observed",
        _ when instrument.GetType().Name.StartsWith("UpDownCounter", StringComparison.Ordinal) => "gauge",
        _ => "gauge_observed",
    };

    internal static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return builder.ToString();
    }

    private static LabelSet NoLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags) => LabelSet.Empty;

    private static LabelSet AllLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return LabelSet.Empty;
        }

        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = new(Sanitize(tags[i].Key), Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new LabelSet(pairs);
    }

    private static LabelSet RequestLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string route = "unmatched", method = "", status = "";
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "http.route":
                    route = tag.Value as string ?? route;
                    break;
                case "http.request.method":
                    method = tag.Value as string ?? "";
                    break;
                case "http.response.status_code" when tag.Value is int code && code is >= 100 and < 600:
                    status = StatusClasses[(code / 100) - 1];
                    break;
            }
        }

        return new LabelSet([new("route", route), new("method", method), new("status_class", status)]);
    }

    private static void WriteProcessMetrics(StringBuilder text)
    {
        using var process = Process.GetCurrentProcess();
        Gauge(text, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", process.TotalProcessorTime.TotalSeconds);
        Gauge(text, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", process.WorkingSet64);
        Gauge(text, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
            new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        Gauge(text, "dotnet_gc_heap_bytes", "gauge", "Bytes in the managed heap.", GC.GetTotalMemory(false));
        Gauge(text, "dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated since the process started.", GC.GetTotalAllocatedBytes());
        text.Append("# HELP dotnet_gc_collections_total Garbage collections by generation.\n# TYPE dotnet_gc_collections_total counter\n");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"dotnet_gc_collections_total{{generation=\"gen{generation}\"}} {GC.CollectionCount(generation)}\n");
        }

        Gauge(text, "dotnet_threadpool_threads", "gauge", "Thread-pool threads.", ThreadPool.ThreadCount);
        Gauge(text, "dotnet_threadpool_queue_length", "gauge", "Work items waiting in the thread pool.", ThreadPool.PendingWorkItemCount);
        Gauge(text, "dotnet_threadpool_completed_items_total", "counter", "Work items the thread pool completed.", ThreadPool.CompletedWorkItemCount);
    }

    private static void Gauge(StringBuilder text, string name, string type, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {Format(value)}\n");

    internal static string Format(double value) => double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("G17", CultureInfo.InvariantCulture);

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal delegate LabelSet LabelMapper(ReadOnlySpan<KeyValuePair<string, object?>> tags);

    private delegate void MeasurementTap(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    internal sealed class LabelSet : IEquatable<LabelSet>
    {
        public static readonly LabelSet Empty = new([]);
        private readonly int _hash;

        public LabelSet(KeyValuePair<string, string>[] pairs)
        {
            Pairs = pairs;
            var hash = new HashCode();
            foreach (var (k, v) in pairs)
            {
                hash.Add(k);
                hash.Add(v);
            }

            _hash = hash.ToHashCode();
        }

        public KeyValuePair<string, string>[] Pairs { get; }

        public bool Equals(LabelSet? other) => other is not null && other._hash == _hash && Pairs.AsSpan().SequenceEqual(other.Pairs);

        public override bool Equals(object? obj) => Equals(obj as LabelSet);

        public override int GetHashCode() => _hash;

        public string Render(string? extraKey = null, string? extraValue = null)
        {
            if (Pairs.Length == 0 && extraKey is null)
            {
                return "";
            }

            var parts = Pairs.Select(p => $"{p.Key}=\"{Escape(p.Value)}\"");
            if (extraKey is not null)
            {
                parts = parts.Append($"{extraKey}=\"{extraValue}\"");
            }

            return "{" + string.Join(",", parts) + "}";
        }
    }

    private sealed class InstrumentSeries(string name, string help, string kind, LabelMapper labels)
    {
        private readonly ConcurrentDictionary<LabelSet, Series> _series = new();

        /// <summary>Also called with every measurement of this instrument, after it is recorded.</summary>
        public MeasurementTap? Tap { get; init; }

        public string Name { get; } = kind.StartsWith("counter", StringComparison.Ordinal) && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;

        public void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = labels(tags);
            var series = _series.GetOrAdd(key, static (_, k) => new Series(k == "histogram"), kind);
            switch (kind)
            {
                case "histogram":
                    series.Observe(value);
                    break;
                case "counter":
                case "gauge":
                    series.Add(value);
                    break;
                default: // observed instruments report the current value
                    series.Set(value);
                    break;
            }

            Tap?.Invoke(value, tags);
        }

        public void WriteTo(StringBuilder text)
        {
            var type = kind switch { "histogram" => "histogram", "counter" or "counter_observed" => "counter", _ => "gauge" };
            text.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {help.Replace('\n', ' ')}\n# TYPE {Name} {type}\n");
            foreach (var (labelSet, series) in _series)
            {
                if (type != "histogram")
                {
                    text.Append(CultureInfo.InvariantCulture, $"{Name}{labelSet.Render()} {Format(series.Value)}\n");
                    continue;
                }

                var counts = series.Snapshot(out var sum, out var count);
                long cumulative = 0;
                for (var i = 0; i < DurationBuckets.Length; i++)
                {
                    cumulative += counts[i];
                    text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{labelSet.Render("le", Format(DurationBuckets[i]))} {cumulative}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{labelSet.Render("le", "+Inf")} {count}\n");
                text.Append(CultureInfo.InvariantCulture, $"{Name}_sum{labelSet.Render()} {Format(sum)}\n");
                text.Append(CultureInfo.InvariantCulture, $"{Name}_count{labelSet.Render()} {count}\n");
            }
        }
    }

    private sealed class Series(bool histogram)
    {
        private readonly long[] _buckets = histogram ? new long[DurationBuckets.Length + 1] : [];
        private double _value;
        private long _count;

        public double Value => Volatile.Read(ref _value);

        public void Add(double delta) => AddDouble(ref _value, delta);

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Observe(double value)
        {
            var index = Array.BinarySearch(DurationBuckets, value);
            index = index >= 0 ? index : ~index;
            Interlocked.Increment(ref _buckets[index]);
            AddDouble(ref _value, value);
            Interlocked.Increment(ref _count);
        }

        public long[] Snapshot(out double sum, out long count)
        {
            count = Interlocked.Read(ref _count);
            sum = Volatile.Read(ref _value);
            var copy = new long[_buckets.Length];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = Interlocked.Read(ref _buckets[i]);
            }

            return copy;
        }

        private static void AddDouble(ref double target, double delta)
        {
            double current, updated;
            do
            {
                current = Volatile.Read(ref target);
                updated = current + delta;
            }
            while (Interlocked.CompareExchange(ref target, updated, current) != current);
        }
    }
}
