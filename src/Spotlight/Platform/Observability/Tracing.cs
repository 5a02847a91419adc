using System.Diagnostics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Spotlight.Platform.Observability;

/// <summary>
/// Distributed tracing over OTLP, off unless configured: HTTP requests, outgoing HTTP calls (webhooks, LiveKit, payment
/// providers), PostgreSQL commands, hub invocations, outbox deliveries and job runs. Every span of a request carries its
/// request id (<see cref="RequestIdTag"/>), the one its log lines and its <c>X-Request-Id</c> carry.
/// </summary>
public static class SpotlightTracing
{
    /// <summary>The activity source of Spotlight's own spans (hub invocations, outbox deliveries, jobs).</summary>
    public static readonly ActivitySource Source = new("Spotlight");

    public const string RequestIdTag = "spotlight.request_id";
}

/// <summary><c>Tracing:*</c>: on when <see cref="OtlpEndpoint"/> is set (or <see cref="Enabled"/>, for an exporter added in code).</summary>
internal sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>The collector, e.g. <c>http://127.0.0.1:4318</c> (OTLP over HTTP/protobuf) or <c>:4317</c> with <see cref="Protocol"/> <c>grpc</c>.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (default) or <c>grpc</c>.</summary>
    public string Protocol { get; set; } = "http/protobuf";

    /// <summary>The share of traces kept, 0 to 1 (parent-based: a kept request keeps its children).</summary>
    public double SampleRatio { get; set; } = 1;

    public bool Enabled { get; set; }

    public bool IsOn => Enabled || !string.IsNullOrWhiteSpace(OtlpEndpoint);
}

internal static class TracingRegistration
{
    public static void AddSpotlightTracing(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
        if (!options.IsOn)
        {
            return; // no listener: the framework creates no activities, nothing is spent
        }

        if (options.SampleRatio is < 0 or > 1 || options.Protocol is not ("http/protobuf" or "grpc"))
        {
            throw new InvalidOperationException("Tracing:SampleRatio must be 0 to 1, and Tracing:Protocol http/protobuf or grpc.");
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("spotlight", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracing(tracing =>
            {
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                    .AddSource(SpotlightTracing.Source.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddProcessor(new RequestIdSpans());
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    tracing.AddOtlpExporter(o =>
                    {
                        o.Endpoint = new Uri(options.OtlpEndpoint);
                        o.Protocol = options.Protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                    });
                }
            });
    }
}

/// <summary>Gives each span the request id of the request it belongs to (set on the request's span by <see cref="RequestIdMiddleware"/>).</summary>
internal sealed class RequestIdSpans : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        for (var parent = data.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.GetTagItem(SpotlightTracing.RequestIdTag) is string requestId)
            {
                data.SetTag(SpotlightTracing.RequestIdTag, requestId);
                return;
            }
        }
    }
}
