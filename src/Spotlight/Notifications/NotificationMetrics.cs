using System.Diagnostics.Metrics;

namespace Spotlight.Notifications;

/// <summary>Instruments on the <c>Spotlight.Notifications</c> meter.</summary>
public sealed class NotificationMetrics
{
    public NotificationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Notifications");
        Created = meter.CreateCounter<long>("spotlight_notifications_total", description: "Notifications stored, by type.");
        Deliveries = meter.CreateCounter<long>("spotlight_notification_deliveries_total", description: "External delivery attempts, by channel and outcome (sent, retry, dead).");
    }

    public Counter<long> Created { get; }

    public Counter<long> Deliveries { get; }
}
