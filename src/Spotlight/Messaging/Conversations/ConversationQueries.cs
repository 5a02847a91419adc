using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Messages;

namespace Spotlight.Messaging.Conversations;

/// <summary>Builds conversation responses for a caller, with as few queries as a page allows.</summary>
internal static class ConversationQueries
{
    public static async Task<ConversationResponse?> LoadAsync(SpotlightDb db, Guid conversationId, Guid me, CancellationToken cancellationToken)
    {
        var row = await (
            from m in db.Set<ConversationMember>().AsNoTracking()
            where m.ConversationId == conversationId && m.UserId == me
            join conversation in db.Set<Conversation>().AsNoTracking() on m.ConversationId equals conversation.Id
            select new { Conversation = conversation, m.LastReadSequence }).SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var c = row.Conversation;
        var members = await MembersAsync(db, [conversationId], cancellationToken);
        var last = await LastMessagesAsync(db, [c], cancellationToken);
        return new ConversationResponse(c.Id, c.Kind, c.Title, c.OwnerId, members[conversationId], c.LastSequence, row.LastReadSequence,
            Unread(c.LastSequence, row.LastReadSequence), last.GetValueOrDefault(c.Id), c.CreatedAt, c.LastMessageAt);
    }

    public static async Task<Dictionary<Guid, List<MemberResponse>>> MembersAsync(SpotlightDb db, IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        var rows = await (
            from m in db.Set<ConversationMember>().AsNoTracking()
            where conversationIds.Contains(m.ConversationId)
            join u in db.Users.AsNoTracking() on m.UserId equals u.Id
            orderby m.JoinedAt, u.Id
            select new { m.ConversationId, Member = new MemberResponse(u.Id, u.UserName ?? "", u.DisplayName, u.AvatarUrl, m.JoinedAt, m.LastReadSequence) })
            .ToListAsync(cancellationToken);
        var byConversation = conversationIds.ToDictionary(id => id, _ => new List<MemberResponse>());
        foreach (var row in rows)
        {
            byConversation[row.ConversationId].Add(row.Member);
        }

        return byConversation;
    }

    public static async Task<Dictionary<Guid, MessageResponse>> LastMessagesAsync(SpotlightDb db, IReadOnlyCollection<Conversation> conversations, CancellationToken cancellationToken)
    {
        var ids = conversations.Where(c => c.LastSequence > 0).Select(c => c.Id).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var messages = await db.Set<Message>().AsNoTracking()
            .Where(m => ids.Contains(m.ConversationId) && db.Set<Conversation>().Any(c => c.Id == m.ConversationId && c.LastSequence == m.Sequence))
            .ToListAsync(cancellationToken);
        return (await MessageReader.ToResponsesAsync(db, messages, cancellationToken)).ToDictionary(m => m.ConversationId);
    }

    public static long Unread(long lastSequence, long lastRead) => Math.Max(0, lastSequence - lastRead);
}
