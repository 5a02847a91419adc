using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Storage;

namespace Spotlight.Messaging.Attachments;

/// <summary>
/// <c>POST /api/v1/attachments</c> takes the file as the raw request body (any Content-Type; the server sniffs the real
/// one) and answers with an id to put in a message's <c>attachmentIds</c>. <c>GET /api/v1/attachments/{id}</c> serves it to
/// its uploader and to the members of the conversation whose message carries it; to anyone else it does not exist.
/// Uploads count against the uploader's storage quota (<see cref="StorageQuota"/>): one that would pass it is refused
/// with 413 <c>quota_exceeded</c> and nothing is stored.
/// </summary>
internal static class AttachmentsApi
{
    public static async Task<Results<Created<AttachmentResponse>, ProblemHttpResult>> Upload(
        HttpRequest request, ClaimsPrincipal caller, SpotlightDb db, IAttachmentStore store, StorageQuota quota, MessagingOptions options,
        MessagingMetrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxAttachmentBytes)
        {
            return TooLarge(options);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxAttachmentBytes)
            {
                return TooLarge(options);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return Refusal.Invalid("body", "Send the file as the request body.").ToProblem();
        }

        var content = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var type = ContentSniffer.Sniff(content.Span[..Math.Min(content.Length, ContentSniffer.HeadLength)]);
        if (type is null || !options.AttachmentTypes.Contains(type, StringComparer.Ordinal))
        {
            return ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_attachment_type",
                $"The content is not one of the accepted types ({string.Join(", ", options.AttachmentTypes)}); the type is read from the bytes, not from Content-Type.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(),
            UploaderId = caller.UserId(),
            ContentType = type,
            Size = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span)),
            CreatedAt = now,
            StorageKey = "",
        };
        attachment.StorageKey = $"{now.ToString("yyyy/MM", CultureInfo.InvariantCulture)}/{attachment.Id:N}";

        // The row commits before the file is written: a crash in between leaves an unattached row the cleanup job removes,
        // never a file that no row counts against the quota.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var decision = await quota.ReserveAsync(attachment.UploaderId, caller.FindFirstValue("tier"), attachment.Size, cancellationToken);
            if (!decision.Allowed)
            {
                metrics.QuotaRefusals.Add(1);
                return StorageQuota.Exceeded(decision);
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
        return TypedResults.Created($"/api/v1/attachments/{attachment.Id}", AttachmentResponse.From(attachment));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, IAttachmentStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var attachment = await db.Set<Attachment>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        var allowed = attachment is not null && (attachment.UploaderId == me ||
            (attachment.MessageId is not null && attachment.ConversationId is { } conversationId && await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken)));
        if (!allowed || await store.OpenAsync(attachment!.StorageKey, cancellationToken) is not { } stream)
        {
            return Refusal.NotFound("No attachment you may read has this id.").ToProblem();
        }

        response.Headers.CacheControl = "private, max-age=3600";
        response.Headers.ContentDisposition = attachment.ContentType.StartsWith("image/", StringComparison.Ordinal) ? "inline" : "attachment";
        return TypedResults.File(stream, attachment.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{attachment.Sha256}\""));
    }

    /// <summary>Deletes an upload of the caller's that no message carries yet, freeing its quota at once; one a message carries goes with its message.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, IAttachmentStore store, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var attachment = await db.Set<Attachment>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id && a.UploaderId == me, cancellationToken);
        if (attachment is null)
        {
            return Refusal.NotFound("No upload of yours has this id.").ToProblem();
        }

        // Only while still unattached: a message may have taken it since it was read.
        if (await db.Set<Attachment>().Where(a => a.Id == id && a.MessageId == null).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Refusal.Conflict("attachment_in_use", "A message carries this upload; delete the message to delete it.").ToProblem();
        }

        await store.DeleteAsync(attachment.StorageKey, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult TooLarge(MessagingOptions options) =>
        ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"An attachment is at most {options.MaxAttachmentBytes} bytes.");
}
