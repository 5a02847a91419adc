namespace Spotlight.Realtime.Presence;

/// <summary>
/// A feature that must know when a user has left the app: called by the hub after a user's last connection (across all
/// nodes) has closed, once presence has recorded it. Implemented by features (Matching: leaving the app leaves the queue)
/// and registered as <c>IUserOfflineListener</c>; an extension point, so Realtime imports no feature.
/// </summary>
public interface IUserOfflineListener
{
    Task WentOfflineAsync(Guid userId, CancellationToken cancellationToken);
}
