using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Messaging.Conversations;

/// <summary><c>GET /conversations</c>: the caller's conversations, most recent activity first, each with its peer (direct) or member count (group).</summary>
internal sealed class ListConversations(SpotlightDb db, ConversationReader reader)
{
    public async Task<Outcome<Page<ConversationSummary>>> HandleAsync(Guid me, PageRequest page, CancellationToken cancellationToken)
    {
        var query =
            from m in db.Set<ConversationMember>().AsNoTracking()
            where m.UserId == me
            join c in db.Set<Conversation>().AsNoTracking() on m.ConversationId equals c.Id
            select new { Conversation = c, m.LastReadSequence };
        if (page.After is { } after)
        {
            query = query.Where(r => r.Conversation.ActivityId.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(r => r.Conversation.ActivityId).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var shown = rows.Take(page.Limit).ToList();
        var ids = shown.Select(r => r.Conversation.Id).ToList();
        var counts = await db.Set<ConversationMember>().Where(m => ids.Contains(m.ConversationId))
            .GroupBy(m => m.ConversationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var directIds = shown.Where(r => r.Conversation.Kind == ConversationKind.Direct).Select(r => r.Conversation.Id).ToList();
        var peers = (await reader.MembersAsync(directIds, cancellationToken))
            .ToDictionary(p => p.Key, p => p.Value.FirstOrDefault(member => member.Id != me));
        var last = await reader.LastMessagesAsync(shown.Select(r => r.Conversation).ToList(), cancellationToken);
        return page.ToPage(rows, r => r.Conversation.ActivityId, r =>
        {
            var c = r.Conversation;
            return new ConversationSummary(c.Id, c.Kind, c.Title, c.OwnerId, counts.GetValueOrDefault(c.Id), peers.GetValueOrDefault(c.Id), c.LastSequence,
                r.LastReadSequence, ConversationReader.Unread(c.LastSequence, r.LastReadSequence), last.GetValueOrDefault(c.Id), c.CreatedAt, c.LastMessageAt);
        });
    }
}

/// <summary><c>GET /conversations/{id}</c>: one conversation of the caller's, with its members.</summary>
internal sealed class GetConversation(ConversationReader reader)
{
    public async Task<Outcome<ConversationResponse>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken) =>
        await reader.LoadAsync(id, me, cancellationToken) is { } conversation ? conversation : Refusal.NotFound("No conversation of yours has this id.");
}
