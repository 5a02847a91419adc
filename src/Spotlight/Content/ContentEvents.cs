using Spotlight.Platform.Events;

namespace Spotlight.Content;

/// <summary>A post was published (not an edit). Notifications tell the author's subscribers; search and ranking may index it.</summary>
public sealed record PostPublished(Guid PostId, Guid AuthorId, string Visibility, DateTime CreatedAt) : IDomainEvent;

/// <summary>Someone liked a post (a new like, not a repeated request).</summary>
public sealed record PostLiked(Guid PostId, Guid AuthorId, Guid LikerId) : IDomainEvent;

/// <summary>A comment, or a reply when <see cref="ParentAuthorId"/> is set, was added to a post.</summary>
public sealed record CommentAdded(Guid CommentId, Guid PostId, Guid PostAuthorId, Guid CommenterId, Guid? ParentId, Guid? ParentAuthorId) : IDomainEvent;

/// <summary>Users were <c>@mentioned</c> in a new post or comment (<see cref="CommentId"/> set for a comment); each is told once.</summary>
public sealed record UsersMentioned(Guid PostId, Guid? CommentId, Guid AuthorId, IReadOnlyList<Guid> MentionedIds) : IDomainEvent;

/// <summary>A buyer unlocked a premium post.</summary>
public sealed record PostUnlocked(Guid PostId, Guid AuthorId, Guid BuyerId, Guid TransactionId, long Amount) : IDomainEvent;
