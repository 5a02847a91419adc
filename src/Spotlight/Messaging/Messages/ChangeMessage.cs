using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Text;
using Spotlight.Data;
using Spotlight.Messaging.Attachments;
using Spotlight.Messaging.Conversations;
using Spotlight.Platform.Errors;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Messaging.Messages;

public sealed record EditMessageRequest(string? Text);

/// <summary>
/// Edits and deletions, by the author only. A deleted message stays as a tombstone (same id and sequence, no text, no
/// attachments) so that history keeps its numbering; its uploads are deleted. Members hear of either as a <c>message</c>
/// event carrying the message's new state.
/// </summary>
public sealed class ChangeMessage(SpotlightDb db, RealtimeFeed feed, IAttachmentStore store, TimeProvider time)
{
    public async Task<Outcome<MessageResponse>> EditAsync(Guid me, Guid conversationId, Guid messageId, string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MessagingOptions.MaxTextLength || !TextRules.IsStorable(text))
        {
            return Refusal.Invalid("text", $"Give 1 to {MessagingOptions.MaxTextLength} characters, without control characters.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var found = await FindAsync(me, conversationId, messageId, cancellationToken);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }

        var message = found.Value!;
        message.Text = text;
        message.EditedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        var response = (await MessageReader.ToResponsesAsync(db, [message], cancellationToken))[0];
        await StageAsync(response, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    public async Task<Outcome<MessageResponse>> DeleteAsync(Guid me, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var found = await FindAsync(me, conversationId, messageId, cancellationToken);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }

        var (response, uploads) = await TombstoneAsync(found.Value!, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await DeleteUploadsAsync(uploads, cancellationToken);
        return response;
    }

    /// <summary>
    /// A moderator hid or removed a reported message: it becomes a tombstone as if its author had deleted it. Runs in the
    /// caller's transaction when there is one (moderation commits it with its decision). False: no such message, or already gone.
    /// </summary>
    public async Task<bool> TombstoneForModerationAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var message = await db.Set<Message>().SingleOrDefaultAsync(m => m.Id == messageId && m.DeletedAt == null, cancellationToken);
        if (message is null)
        {
            return false;
        }

        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var (_, uploads) = await TombstoneAsync(message, cancellationToken);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken);
            await own.DisposeAsync();
        }

        // Moderation's transaction has nothing left that can refuse after this (only a failing database, which the moderator retries).
        await DeleteUploadsAsync(uploads, cancellationToken);
        return true;
    }

    private async Task<(MessageResponse Response, List<Attachment> Uploads)> TombstoneAsync(Message message, CancellationToken cancellationToken)
    {
        message.Text = null;
        message.DeletedAt = time.GetUtcNow().UtcDateTime;
        var uploads = await db.Set<Attachment>().Where(a => a.MessageId == message.Id).ToListAsync(cancellationToken);
        db.RemoveRange(uploads);
        await db.SaveChangesAsync(cancellationToken);
        var response = MessageResponse.From(message, []);
        await StageAsync(response, cancellationToken);
        return (response, uploads);
    }

    private async Task DeleteUploadsAsync(List<Attachment> uploads, CancellationToken cancellationToken)
    {
        foreach (var upload in uploads)
        {
            await store.DeleteAsync(upload.StorageKey, cancellationToken);
        }
    }

    private async Task<Outcome<Message>> FindAsync(Guid me, Guid conversationId, Guid messageId, CancellationToken cancellationToken)
    {
        if (!await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken))
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        var message = await db.Set<Message>().SingleOrDefaultAsync(m => m.Id == messageId && m.ConversationId == conversationId, cancellationToken);
        if (message is null)
        {
            return Refusal.NotFound("This conversation has no message with this id.");
        }

        if (message.SenderId != me)
        {
            return Refusal.Forbidden("not_author", "Only the author may change a message.");
        }

        return message.DeletedAt is not null ? Refusal.Conflict("message_deleted", "The message has been deleted.") : message;
    }

    private Task StageAsync(MessageResponse message, CancellationToken cancellationToken) => feed.StageAsync(db, new RealtimeSignal
    {
        Kind = MessagingSignals.Message, ConversationId = message.ConversationId, SubjectId = message.Id, UserId = message.SenderId, Number = message.Sequence,
    }, message, cancellationToken);
}
