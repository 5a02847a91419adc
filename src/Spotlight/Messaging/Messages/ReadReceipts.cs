using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Platform.Errors;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Messaging.Messages;

public sealed record MarkReadRequest(Guid? MessageId);

/// <summary>
/// Moves a member's read marker forward to a message (never back) and tells the conversation with a <c>read</c> event.
/// Marking an older message than the marker already passed changes nothing and sends nothing.
/// </summary>
public sealed class ReadReceipts(SpotlightDb db, RealtimeFeed feed, TimeProvider time)
{
    public async Task<Outcome<ReadEvent?>> MarkReadAsync(Guid me, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        if (!await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken))
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        var sequence = await db.Set<Message>().Where(m => m.Id == messageId && m.ConversationId == conversationId)
            .Select(m => (long?)m.Sequence).SingleOrDefaultAsync(cancellationToken);
        if (sequence is not { } read)
        {
            return Refusal.NotFound("This conversation has no message with this id.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Set<ConversationMember>()
            .Where(m => m.ConversationId == conversationId && m.UserId == me && m.LastReadSequence < read)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastReadSequence, read).SetProperty(m => m.LastReadAt, now), cancellationToken);
        if (moved == 0)
        {
            return new Outcome<ReadEvent?>(null, null);
        }

        await feed.StageAsync(db, new RealtimeSignal
        {
            Kind = MessagingSignals.Read, ConversationId = conversationId, UserId = me, SubjectId = messageId, Number = read, At = now,
        }, cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReadEvent(conversationId, me, messageId, read, now);
    }
}

/// <summary>Typing notices: checked like a message (members only) but not stored, and not caught up after a drop.</summary>
public sealed class TypingNotices(SpotlightDb db, RealtimeFeed feed)
{
    public async Task<Refusal?> TypingAsync(Guid me, Guid conversationId, CancellationToken cancellationToken)
    {
        if (!await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken))
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        await feed.PublishAsync(new RealtimeSignal { Kind = MessagingSignals.Typing, ConversationId = conversationId, UserId = me }, durable: false, cancellationToken);
        return null;
    }
}
