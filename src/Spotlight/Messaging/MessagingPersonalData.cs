using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Messaging.Attachments;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;

namespace Spotlight.Messaging;

/// <summary>
/// Messaging's share of a user's data: the messages they sent. On deletion each becomes the tombstone a deleted message
/// is (no text, "deleted" for everyone in the conversation) and their attachments go, rows and bytes. Their memberships
/// (and a group's owner) stay, so the others' conversations keep their shape; the member is the anonymized account.
/// </summary>
internal sealed class MessagingPersonalData(SpotlightDb db, IAttachmentStore store) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["messages"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Message), nameof(Message.SenderId)),
        new(typeof(Attachment), nameof(Attachment.UploaderId)),
        new(typeof(ConversationMember), nameof(ConversationMember.UserId)),
        new(typeof(Conversation), nameof(Conversation.OwnerId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken) =>
        await writer.WriteAsync("messages", await db.Set<Message>().AsNoTracking().Where(m => m.SenderId == userId && m.DeletedAt == null)
            .OrderBy(m => m.Id)
            .Select(m => new
            {
                m.Id, m.ConversationId, m.Text, m.CreatedAt, m.EditedAt,
                attachments = db.Set<Attachment>().Where(a => a.MessageId == m.Id).Select(a => new { a.Id, a.ContentType, a.Size }).ToList(),
            })
            .ToListAsync(cancellationToken), cancellationToken);

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var now = erasure.Now;
        await db.Set<Message>().Where(m => m.SenderId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Text, (string?)null).SetProperty(m => m.DeletedAt, m => m.DeletedAt ?? now), cancellationToken);
        var keys = await db.Set<Attachment>().Where(a => a.UploaderId == userId).Select(a => a.StorageKey).ToListAsync(cancellationToken);
        await db.Set<Attachment>().Where(a => a.UploaderId == userId).ExecuteDeleteAsync(cancellationToken);
        erasure.AfterCommit(async token =>
        {
            foreach (var key in keys)
            {
                await store.DeleteAsync(key, token);
            }
        });
    }
}
