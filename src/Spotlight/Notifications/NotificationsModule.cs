using Spotlight.Identity.Account;
using Spotlight.Messaging.Messages;
using Spotlight.Moderation;
using Spotlight.Notifications.Delivery;
using Spotlight.Notifications.Devices;
using Spotlight.Platform;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Fanout;
using Spotlight.Social;
using Spotlight.Wallet;

namespace Spotlight.Notifications;

/// <summary>
/// Stored notifications, shown live over the hub and sent out (push, email) through an outbox. Other modules never call
/// this one: it subscribes to their events, one line each.
/// </summary>
public static class NotificationsModule
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<NotificationOptions>(NotificationOptions.Section)
            .Validate(o => o.DeliveryIntervalSeconds >= 1 && o.MaxAttempts >= 1 && o.LiveStartedCooldownMinutes >= 0,
                "Notifications: DeliveryIntervalSeconds and MaxAttempts must be at least 1, LiveStartedCooldownMinutes at least 0.")
            .ServedAsValue();
        var options = builder.Configuration.ReadSettings<NotificationOptions>(NotificationOptions.Section); // the delivery job's interval
        services.AddSingleton<NotificationMetrics>();
        services.AddScoped<Notifier>();
        services.AddPersonalData<NotificationsPersonalData>();
        services.AddScoped<ListNotifications>();
        services.AddScoped<CountUnreadNotifications>();
        services.AddScoped<MarkNotificationsRead>();
        services.AddScoped<RegisterPushDevice>();
        services.AddScoped<ListPushDevices>();
        services.AddScoped<RemovePushDevice>();
        services.AddSingleton<ISignalDelivery, NotificationSignalDelivery>();
        services.AddJob<NotificationDeliveryJob>(every: TimeSpan.FromSeconds(options.DeliveryIntervalSeconds));
        services.AddJob<NotificationCleanupJob>(every: TimeSpan.FromHours(24));

        // External delivery: a logging provider per channel unless a real one is registered (the last one wins).
        services.AddSingleton<INotificationProvider>(sp => ActivatorUtilities.CreateInstance<LoggingNotificationProvider>(sp, NotificationChannels.Push));
        services.AddSingleton<INotificationProvider>(sp => ActivatorUtilities.CreateInstance<LoggingNotificationProvider>(sp, NotificationChannels.Email));

        // What causes a notification: one line per event of another module.
        services.AddNotification<GiftSent>(e => new NotificationDraft(e.RecipientId, NotificationTypes.GiftReceived, e.SenderId, e.TransactionId,
            new { e.GiftId, e.GiftName, e.Quantity, e.Amount, e.CreatorAmount, e.LiveSessionId }));
        services.AddNotification<PayoutPaid>(e => new NotificationDraft(e.CreatorId, NotificationTypes.PayoutStatus, null, e.PayoutId, new { status = "paid", e.Amount }));
        services.AddNotification<PayoutRejected>(e => new NotificationDraft(e.CreatorId, NotificationTypes.PayoutStatus, null, e.PayoutId, new { status = "rejected", e.Amount, e.Reason }));
        services.AddNotification<SubscriptionStarted>(e => new NotificationDraft(e.CreatorId, NotificationTypes.Subscription, e.SubscriberId, e.SubscriptionId, new { status = "started", e.Price }));
        services.AddNotification<SubscriptionCanceled>(e => new NotificationDraft(e.CreatorId, NotificationTypes.Subscription, e.SubscriberId, e.SubscriptionId, new { status = "canceled", e.AccessUntil }));
        services.AddNotification<SubscriptionPastDue>(e => new NotificationDraft(e.SubscriberId, NotificationTypes.Subscription, e.CreatorId, e.SubscriptionId, new { status = "past_due", e.GraceUntil }));
        services.AddNotification<SubscriptionExpired>(e => new NotificationDraft(e.SubscriberId, NotificationTypes.Subscription, e.CreatorId, e.SubscriptionId, new { status = "expired" }));
        services.AddNotification<UserFollowed>(e => new NotificationDraft(e.FolloweeId, NotificationTypes.Follow, e.FollowerId,
            DedupeKey: $"follow:{e.FollowerId:N}"));
        services.AddNotification<ContentModerated>(e => new NotificationDraft(e.AuthorId, NotificationTypes.Moderation, null, e.TargetId,
            new { e.Action, e.Reason, e.TargetType, e.TargetId, e.Until }, $"moderation:{e.CaseId:N}"));
        services.AddNotifications<ReportsResolved>(e => e.Reports.Select(r => new NotificationDraft(r.ReporterId, NotificationTypes.ReportResolved, null, r.ReportId,
            new { e.Outcome, e.TargetType, e.TargetId }, $"report:{r.ReportId:N}")));
        services.AddEventHandler<MessagePosted, OfflineMessageNotifier>();
        services.AddEventHandler<Live.Lives.LiveStarted, LiveStartedNotifier>();
        services.AddContentNotifications(options);
        return builder;
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization();
        notifications.MapGet("/", NotificationsApi.List).WithName("ListNotifications").WithSummary("The caller's notifications, newest first (?unread=true for unread only)");
        notifications.MapGet("/unread-count", NotificationsApi.UnreadCount).WithName("UnreadNotificationCount").WithSummary("How many notifications are unread");
        notifications.MapPost("/read", NotificationsApi.MarkRead).WithName("MarkNotificationsRead").WithSummary("Mark notifications read: some by id, or all");
        notifications.MapPost("/devices", NotificationsApi.RegisterDevice).WithName("RegisterPushDevice").WithSummary("Register this device's push token");
        notifications.MapGet("/devices", NotificationsApi.ListDevices).WithName("ListPushDevices").WithSummary("The caller's registered devices");
        notifications.MapDelete("/devices/{id:guid}", NotificationsApi.RemoveDevice).WithName("RemovePushDevice").WithSummary("Stop pushing to a device");
        return app;
    }
}
