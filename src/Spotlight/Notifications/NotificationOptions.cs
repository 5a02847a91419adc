namespace Spotlight.Notifications;

/// <summary><c>Notifications:*</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Seconds between runs of the external delivery job (each run sends everything that is due).</summary>
    public int DeliveryIntervalSeconds { get; set; } = 5;

    /// <summary>Attempts at an external delivery before it is dead-lettered (kept, with its last error, for an operator).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Days a read notification is kept.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>
    /// Hours during which likes of one post add to the author's unread "X and N others liked your post" instead of making
    /// a notification each; after it, or once that one is read, the next like starts a new one.
    /// </summary>
    public int LikeAggregationHours { get; set; } = 24;

    /// <summary>A creator going live again within this many minutes of a follower's last <c>live_started</c> from them does not notify that follower again.</summary>
    public int LiveStartedCooldownMinutes { get; set; } = 30;
}
