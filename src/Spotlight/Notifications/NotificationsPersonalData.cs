using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Notifications.Delivery;
using Spotlight.Notifications.Devices;

namespace Spotlight.Notifications;

/// <summary>Notifications' share of a user's data: their inbox and push devices (exported, then erased), and what others were told the user did (erased).</summary>
internal sealed class NotificationsPersonalData(SpotlightDb db) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["notifications"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Notification), nameof(Notification.UserId)),
        new(typeof(Notification), nameof(Notification.ActorId)),
        new(typeof(NotificationDelivery), nameof(NotificationDelivery.UserId)),
        new(typeof(PushDevice), nameof(PushDevice.UserId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken)
    {
        var inbox = await db.Set<Notification>().AsNoTracking().Where(n => n.UserId == userId).OrderBy(n => n.Id)
            .Select(n => new { n.Id, n.Type, n.ActorId, n.SubjectId, n.Data, n.CreatedAt, n.ReadAt }).ToListAsync(cancellationToken);
        var devices = await db.Set<PushDevice>().AsNoTracking().Where(d => d.UserId == userId).OrderBy(d => d.CreatedAt)
            .Select(d => new { d.Id, d.Platform, d.CreatedAt }).ToListAsync(cancellationToken);
        await writer.WriteAsync("notifications", new { inbox, pushDevices = devices }, cancellationToken);
    }

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var gone = db.Set<Notification>().Where(n => n.UserId == userId || n.ActorId == userId);
        await db.Set<NotificationDelivery>().Where(d => d.UserId == userId || gone.Any(n => n.Id == d.NotificationId)).ExecuteDeleteAsync(cancellationToken);
        await gone.ExecuteDeleteAsync(cancellationToken);
        await db.Set<PushDevice>().Where(d => d.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }
}
