using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Messaging.Messages;
using Spotlight.Platform.Http;
using Spotlight.Platform.Storage;

namespace Spotlight.Messaging.Attachments;

/// <summary>
/// <c>/api/v1/attachments</c>, thin adapters over <see cref="UploadAttachment"/>, <see cref="ReadAttachment"/> and
/// <see cref="DeleteAttachment"/>. An upload is the raw request body (any Content-Type; the server sniffs the real one),
/// read here up to <see cref="MessagingOptions.MaxAttachmentBytes"/>.
/// </summary>
internal static class AttachmentsApi
{
    public static async Task<Results<Created<AttachmentResponse>, ProblemHttpResult>> Upload(
        HttpRequest request, ClaimsPrincipal caller, UploadAttachment handler, MessagingOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxAttachmentBytes)
        {
            return UploadAttachment.TooLarge(options).ToProblem();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxAttachmentBytes)
            {
                return UploadAttachment.TooLarge(options).ToProblem();
            }

            buffer.Write(chunk, 0, read);
        }

        var outcome = await handler.HandleAsync(caller.UserId(), caller.FindFirstValue("tier"), buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        return outcome.Value!.QuotaRefused is { } decision
            ? StorageQuota.Exceeded(decision)
            : TypedResults.Created($"/api/v1/attachments/{outcome.Value.Attachment!.Id}", outcome.Value.Attachment);
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, ClaimsPrincipal caller, ReadAttachment handler, HttpResponse response, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), id, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var file = outcome.Value!;
        response.Headers.CacheControl = "private, max-age=3600";
        response.Headers.ContentDisposition = file.ContentType.StartsWith("image/", StringComparison.Ordinal) ? "inline" : "attachment";
        return TypedResults.File(file.Content, file.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{file.Sha256}\""));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal caller, DeleteAttachment handler, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(caller.UserId(), id, cancellationToken)).Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
}
