using System.Diagnostics.Metrics;

namespace Spotlight.Platform.Observability;

/// <summary>
/// Counters the platform itself keeps. Features make their own the same way: a small class that creates
/// instruments on a meter named <c>Spotlight.*</c> from <see cref="IMeterFactory"/>; <c>/metrics</c> exports them all.
/// </summary>
public sealed class PlatformMetrics
{
    public const string MeterName = "Spotlight.Platform";

    public PlatformMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        UnhandledErrors = meter.CreateCounter<long>("spotlight_unhandled_errors_total", description: "Requests that ended in an unhandled exception (500).");
        RateLimitRejections = meter.CreateCounter<long>("spotlight_rate_limit_rejections_total", description: "Requests refused with 429, by policy.");
        IdempotentReplays = meter.CreateCounter<long>("spotlight_idempotent_replays_total", description: "Responses replayed for a repeated Idempotency-Key.");
        JobsCompleted = meter.CreateCounter<long>("spotlight_jobs_total", description: "Background jobs run, by type and outcome.");
        EventsDelivered = meter.CreateCounter<long>("spotlight_outbox_deliveries_total", description: "Domain-event deliveries from the outbox, by event and outcome.");
    }

    public Counter<long> UnhandledErrors { get; }

    public Counter<long> RateLimitRejections { get; }

    public Counter<long> IdempotentReplays { get; }

    public Counter<long> JobsCompleted { get; }

    public Counter<long> EventsDelivered { get; }
}
