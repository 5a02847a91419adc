using Spotlight.Platform.Events;

namespace Spotlight.Social;

/// <summary>Someone started following someone (a new follow, not a repeated request). Notifications subscribe to it.</summary>
public sealed record UserFollowed(Guid FollowerId, Guid FolloweeId) : IDomainEvent;

/// <summary>Someone blocked someone (a new block, not a repeated one). Live takes the blocked viewer out of the blocker's live.</summary>
public sealed record UserBlocked(Guid BlockerId, Guid BlockedId) : IDomainEvent;
