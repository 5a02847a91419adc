using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Storage;

namespace Spotlight.Messaging.Attachments;

/// <summary>
/// <c>POST /attachments</c>: stores an upload of the caller's (its type sniffed from the bytes) to attach to a message.
/// It counts against the uploader's storage quota (<see cref="StorageQuota"/>): one that would pass it is answered with
/// the quota's figures (<see cref="Uploaded.QuotaRefused"/>) and nothing is stored. The row commits before the file is
/// written: a crash in between leaves an unattached row the cleanup job removes, never a file no row counts.
/// </summary>
internal sealed class UploadAttachment(SpotlightDb db, IAttachmentStore store, StorageQuota quota, MessagingOptions options, MessagingMetrics metrics, TimeProvider time)
{
    public sealed record Uploaded(AttachmentResponse? Attachment, QuotaDecision? QuotaRefused);

    public static Refusal TooLarge(MessagingOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"An attachment is at most {options.MaxAttachmentBytes} bytes.");

    public async Task<Outcome<Uploaded>> HandleAsync(Guid me, string? tier, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (content.Length > options.MaxAttachmentBytes)
        {
            return TooLarge(options);
        }

        if (content.Length == 0)
        {
            return Refusal.Invalid("body", "Send the file as the request body.");
        }

        var type = ContentSniffer.Sniff(content.Span[..Math.Min(content.Length, ContentSniffer.HeadLength)]);
        if (type is null || !options.AttachmentTypes.Contains(type, StringComparer.Ordinal))
        {
            return new Refusal(StatusCodes.Status415UnsupportedMediaType, "unsupported_attachment_type",
                $"The content is not one of the accepted types ({string.Join(", ", options.AttachmentTypes)}); the type is read from the bytes, not from Content-Type.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(),
            UploaderId = me,
            ContentType = type,
            Size = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span)),
            CreatedAt = now,
            StorageKey = "",
        };
        attachment.StorageKey = $"{now.ToString("yyyy/MM", CultureInfo.InvariantCulture)}/{attachment.Id:N}";

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var decision = await quota.ReserveAsync(attachment.UploaderId, tier, attachment.Size, cancellationToken);
            if (!decision.Allowed)
            {
                metrics.QuotaRefusals.Add(1);
                return new Uploaded(null, decision);
            }

            db.Add(attachment);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        try
        {
            await store.SaveAsync(attachment.StorageKey, content, cancellationToken);
        }
        catch
        {
            await db.Set<Attachment>().Where(a => a.Id == attachment.Id).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        metrics.AttachmentsUploaded.Add(1, new KeyValuePair<string, object?>("type", type));
        return new Uploaded(AttachmentResponse.From(attachment), null);
    }
}

/// <summary><c>GET /attachments/{id}</c>: an attachment for its uploader and the members of the conversation whose message carries it; to anyone else it does not exist.</summary>
internal sealed class ReadAttachment(SpotlightDb db, IAttachmentStore store)
{
    public sealed record Opened(Stream Content, string ContentType, string Sha256);

    public async Task<Outcome<Opened>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken)
    {
        var attachment = await db.Set<Attachment>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        var allowed = attachment is not null && (attachment.UploaderId == me ||
            (attachment.MessageId is not null && attachment.ConversationId is { } conversationId && await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken)));
        if (!allowed || await store.OpenAsync(attachment!.StorageKey, cancellationToken) is not { } stream)
        {
            return Refusal.NotFound("No attachment you may read has this id.");
        }

        return new Opened(stream, attachment.ContentType, attachment.Sha256);
    }
}

/// <summary>
/// <c>DELETE /attachments/{id}</c>: deletes an upload of the caller's that no message carries yet, freeing its quota at
/// once (409 <c>attachment_in_use</c> otherwise: one a message carries goes with its message).
/// </summary>
internal sealed class DeleteAttachment(SpotlightDb db, IAttachmentStore store)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken)
    {
        var attachment = await db.Set<Attachment>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.UploaderId == me, cancellationToken);
        if (attachment is null)
        {
            return Refusal.NotFound("No upload of yours has this id.");
        }

        // Only while still unattached: a message may have taken it since it was read.
        if (await db.Set<Attachment>().Where(a => a.Id == id && a.MessageId == null).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Refusal.Conflict("attachment_in_use", "A message carries this upload; delete the message to delete it.");
        }

        await store.DeleteAsync(attachment.StorageKey, cancellationToken);
        return true;
    }
}
