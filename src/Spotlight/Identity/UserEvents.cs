using Spotlight.Platform.Events;

namespace Spotlight.Identity;

/// <summary>An account was banned or suspended (<paramref name="Until"/>: the suspension's end; null for a ban without end), raised with the ban.</summary>
public sealed record UserBanned(Guid UserId, DateTime? Until) : IDomainEvent;

/// <summary>An account was made (raised in the registration's transaction; nothing personal beyond the public handle).</summary>
public sealed record UserRegistered(Guid UserId, string Handle, DateTime RegisteredAt) : IDomainEvent;

/// <summary>Something that must react at once when an account changes (the realtime hub closes a banned user's connections).</summary>
public interface IUserEventsListener
{
    Task UserBannedAsync(Guid userId);

    /// <summary>An account was deleted: by default what a ban does at once (its connections closed on every node).</summary>
    Task UserDeletedAsync(Guid userId) => UserBannedAsync(userId);
}

/// <summary>Tells the listeners other modules registered; Identity does not know who they are.</summary>
public sealed class UserEvents(IEnumerable<IUserEventsListener> listeners)
{
    public async Task BannedAsync(Guid userId)
    {
        foreach (var listener in listeners)
        {
            await listener.UserBannedAsync(userId);
        }
    }

    public async Task DeletedAsync(Guid userId)
    {
        foreach (var listener in listeners)
        {
            await listener.UserDeletedAsync(userId);
        }
    }
}
