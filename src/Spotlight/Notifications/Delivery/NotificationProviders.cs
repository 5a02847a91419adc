using System.Text.Json;

namespace Spotlight.Notifications.Delivery;

/// <summary>
/// Sends notifications out of the app on one channel (<c>push</c> through FCM, <c>email</c> through SMTP...). Throw to
/// have the delivery retried with backoff. <see cref="OutgoingNotification.DedupeKey"/> is the same on every retry of a
/// delivery: pass it on where the service supports idempotent sends.
/// </summary>
public interface INotificationProvider
{
    string Channel { get; }

    Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken);
}

/// <summary>One delivery, with what a provider needs: the recipient's address or device tokens, and the text to show.</summary>
public sealed record OutgoingNotification(
    Guid DeliveryId, string DedupeKey, int Attempt, Guid UserId, string? Email, IReadOnlyList<string> DeviceTokens,
    Guid NotificationId, string Type, string Title, string Body, JsonElement? Data);

/// <summary>
/// The default for every channel until a real provider is configured: it writes what it would send to the log (ids,
/// kind, how many devices; never the email address or tokens), so development and tests see deliveries happen.
/// </summary>
internal sealed class LoggingNotificationProvider(string channel, ILogger<LoggingNotificationProvider> logger) : INotificationProvider
{
    public string Channel => channel;

    public Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken)
    {
        logger.LogInformation("Notification {Channel} delivery {DedupeKey}: {Type} for user {UserId} ({Devices} device(s)): {Title}",
            channel, notification.DedupeKey, notification.Type, notification.UserId, notification.DeviceTokens.Count, notification.Title);
        return Task.CompletedTask;
    }
}
