using Spotlight.Messaging.Messages;

namespace Spotlight.Messaging.Conversations;

public sealed record MemberResponse(Guid Id, string Handle, string? DisplayName, string? AvatarUrl, DateTime JoinedAt, long LastReadSequence);

/// <summary>One conversation, whole: <c>GET /conversations/{id}</c>, and the answer to creating or changing one.</summary>
public sealed record ConversationResponse(
    Guid Id, string Kind, string? Title, Guid? OwnerId, IReadOnlyList<MemberResponse> Members, long LastSequence,
    long LastReadSequence, long UnreadCount, MessageResponse? LastMessage, DateTime CreatedAt, DateTime? LastMessageAt);

/// <summary>
/// A line of the caller's conversation list: <c>peer</c> is the other member of a direct conversation; a group shows its
/// title and member count. <c>lastSequence</c> tells a reconnecting client which conversations to catch up.
/// </summary>
public sealed record ConversationSummary(
    Guid Id, string Kind, string? Title, Guid? OwnerId, int MemberCount, MemberResponse? Peer, long LastSequence,
    long LastReadSequence, long UnreadCount, MessageResponse? LastMessage, DateTime CreatedAt, DateTime? LastMessageAt);

/// <summary>The hub's <c>conversation</c> event: <c>change</c> is <c>created</c>, <c>members</c>, <c>renamed</c> or <c>removed</c> (the receiver left or was removed).</summary>
public sealed record ConversationEvent(Guid ConversationId, string Change);

public static class ConversationChange
{
    public const string Created = "created";
    public const string Members = "members";
    public const string Renamed = "renamed";
    public const string Removed = "removed";
}
