using System.Diagnostics.Metrics;

namespace Spotlight.Webhooks;

/// <summary>Instruments on the <c>Spotlight.Webhooks</c> meter.</summary>
internal sealed class WebhookMetrics
{
    public WebhookMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Webhooks");
        Attempts = meter.CreateCounter<long>("spotlight_webhook_deliveries_total",
            description: "Webhook delivery attempts, by event type and outcome (succeeded; retry: failed, tried again later; failed: failed for good).");
        Disabled = meter.CreateCounter<long>("spotlight_webhook_endpoints_disabled_total",
            description: "Endpoints the server disabled, by reason (gone: the receiver answered 410; failing: days of failures).");
    }

    public Counter<long> Attempts { get; }

    public Counter<long> Disabled { get; }
}
