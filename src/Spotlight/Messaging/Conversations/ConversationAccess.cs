using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Realtime.Presence;

namespace Spotlight.Messaging.Conversations;

/// <summary>The one membership check: a conversation the caller is not in answers exactly like one that does not exist.</summary>
internal static class ConversationAccess
{
    public static Task<bool> IsMemberAsync(SpotlightDb db, Guid conversationId, Guid userId, CancellationToken cancellationToken) =>
        db.Set<ConversationMember>().AnyAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken);
}

/// <summary>Who shares a conversation with whom, for modules that reach a conversation's members (notifications).</summary>
public interface IConversationDirectory
{
    /// <summary>Everyone who shares a conversation with <paramref name="userId"/> (and the user): a query to compose, not a list.</summary>
    IQueryable<Guid> PartnerIds(Guid userId);

    /// <summary>The members of a conversation: a query to compose, not a list.</summary>
    IQueryable<Guid> MemberIds(Guid conversationId);
}

internal sealed class ConversationDirectory(SpotlightDb db) : IConversationDirectory
{
    public IQueryable<Guid> PartnerIds(Guid userId) =>
        from mine in db.Set<ConversationMember>()
        where mine.UserId == userId
        join theirs in db.Set<ConversationMember>() on mine.ConversationId equals theirs.ConversationId
        select theirs.UserId;

    public IQueryable<Guid> MemberIds(Guid conversationId) =>
        db.Set<ConversationMember>().Where(m => m.ConversationId == conversationId).Select(m => m.UserId);
}

/// <summary>Conversation partners see each other's presence (Realtime asks; blocks are Social's to hide).</summary>
internal sealed class ConversationPartnersSeePresence(IConversationDirectory conversations) : IPresenceAudience
{
    public IQueryable<Guid>? Watchers(Guid userId) => conversations.PartnerIds(userId);

    public IQueryable<Guid>? Hidden(Guid userId) => null;
}
