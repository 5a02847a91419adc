using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Messaging.Messages;

namespace Spotlight.Messaging.Conversations;

/// <summary>Builds conversation responses for a caller, with as few queries as a page allows; members' cards come from Identity's directory.</summary>
internal sealed class ConversationReader(SpotlightDb db, IUserDirectory users)
{
    /// <summary>The conversation as its member <paramref name="me"/> sees it; null when it is not theirs.</summary>
    public async Task<ConversationResponse?> LoadAsync(Guid conversationId, Guid me, CancellationToken cancellationToken)
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
        var members = await MembersAsync([conversationId], cancellationToken);
        var last = await LastMessagesAsync([c], cancellationToken);
        return new ConversationResponse(c.Id, c.Kind, c.Title, c.OwnerId, members[conversationId], c.LastSequence, row.LastReadSequence,
            Unread(c.LastSequence, row.LastReadSequence), last.GetValueOrDefault(c.Id), c.CreatedAt, c.LastMessageAt);
    }

    /// <summary>The members of each conversation, in the order they joined.</summary>
    public async Task<Dictionary<Guid, List<MemberResponse>>> MembersAsync(IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        var rows = await db.Set<ConversationMember>().AsNoTracking().Where(m => conversationIds.Contains(m.ConversationId))
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .Select(m => new { m.ConversationId, m.UserId, m.JoinedAt, m.LastReadSequence })
            .ToListAsync(cancellationToken);
        var cards = await users.FactsAsync(rows.Select(r => r.UserId).Distinct().ToList(), cancellationToken);
        var byConversation = conversationIds.ToDictionary(id => id, _ => new List<MemberResponse>());
        foreach (var row in rows)
        {
            if (cards.GetValueOrDefault(row.UserId) is { } card)
            {
                byConversation[row.ConversationId].Add(new MemberResponse(card.Id, card.Handle, card.DisplayName, card.AvatarUrl, row.JoinedAt, row.LastReadSequence));
            }
        }

        return byConversation;
    }

    public async Task<Dictionary<Guid, MessageResponse>> LastMessagesAsync(IReadOnlyCollection<Conversation> conversations, CancellationToken cancellationToken)
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
