using Spotlight.Platform.Events;

namespace Spotlight.Social;

/// <summary>Someone started following someone (a new follow, not a repeated request). Notifications subscribe to it.</summary>
public sealed record UserFollowed(Guid FollowerId, Guid FolloweeId) : IDomainEvent;
