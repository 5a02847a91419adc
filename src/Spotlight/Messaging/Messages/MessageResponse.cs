using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Attachments;

namespace Spotlight.Messaging.Messages;

/// <summary>A message as clients see it, over REST and as the hub's <c>message</c> event. A tombstone has no text and no attachments.</summary>
public sealed record MessageResponse(
    Guid Id, Guid ConversationId, long Sequence, Guid SenderId, string ClientMessageId, string? Text,
    IReadOnlyList<AttachmentResponse> Attachments, DateTime CreatedAt, DateTime? EditedAt, DateTime? DeletedAt)
{
    public static MessageResponse From(Message m, IReadOnlyList<AttachmentResponse> attachments) =>
        new(m.Id, m.ConversationId, m.Sequence, m.SenderId, m.ClientMessageId, m.DeletedAt is null ? m.Text : null,
            m.DeletedAt is null ? attachments : [], m.CreatedAt, m.EditedAt, m.DeletedAt);
}

public sealed record AttachmentResponse(Guid Id, string ContentType, long Size, string Url)
{
    public static AttachmentResponse From(Attachment a) => new(a.Id, a.ContentType, a.Size, $"/api/v1/attachments/{a.Id}");
}

/// <summary>Someone is typing in a conversation (not stored; clients show it for a few seconds).</summary>
public sealed record TypingEvent(Guid ConversationId, Guid UserId);

/// <summary>A member has read a conversation up to a message.</summary>
public sealed record ReadEvent(Guid ConversationId, Guid UserId, Guid MessageId, long Sequence, DateTime ReadAt);

/// <summary>Reads messages with their attachments, in one query each, for pages and for delivery to other nodes.</summary>
internal static class MessageReader
{
    public static async Task<List<MessageResponse>> ToResponsesAsync(SpotlightDb db, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var ids = messages.Where(m => m.DeletedAt is null).Select(m => m.Id).ToList();
        var attachments = ids.Count == 0
            ? []
            : await db.Set<Attachment>().AsNoTracking().Where(a => a.MessageId != null && ids.Contains(a.MessageId.Value)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var byMessage = attachments.ToLookup(a => a.MessageId!.Value, AttachmentResponse.From);
        return messages.Select(m => MessageResponse.From(m, byMessage[m.Id].ToList())).ToList();
    }

    public static async Task<Dictionary<Guid, MessageResponse>> LoadAsync(SpotlightDb db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var messages = await db.Set<Message>().AsNoTracking().Where(m => ids.Contains(m.Id)).ToListAsync(cancellationToken);
        return (await ToResponsesAsync(db, messages, cancellationToken)).ToDictionary(m => m.Id);
    }
}
