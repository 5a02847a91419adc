using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Storage;

namespace Spotlight.Content.Media;

/// <summary>The media endpoints: thin adapters over the handlers, plus serving the bytes.</summary>
internal static class MediaApi
{
    /// <summary>What a served medium may do in a browser: nothing (no script, no plugin, no same-origin document).</summary>
    public const string ServedPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox; frame-ancestors 'none'";

    /// <summary>
    /// Reads the multipart body section by section without buffering it: the <c>file</c> part's stream goes to the handler,
    /// which stops at the limit of the file's kind.
    /// </summary>
    public static async Task<Results<Created<MediaResponse>, ProblemHttpResult>> Upload(
        HttpRequest request, ClaimsPrincipal caller, UploadMedia upload, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Refusal.Invalid("file", "Send multipart/form-data with one part named 'file'.").ToProblem();
        }

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data") || disposition.Name.Value?.Trim('"') != "file")
            {
                continue;
            }

            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            var outcome = await upload.HandleAsync(caller.UserId(), caller.FindFirstValue("tier"), section.Body, section.ContentType, fileName, cancellationToken);
            if (outcome.Refusal is { } refusal)
            {
                return refusal.ToProblem();
            }

            if (outcome.Value!.QuotaRefused is { } decision)
            {
                return StorageQuota.Exceeded(decision);
            }

            var media = outcome.Value.Media!;
            return TypedResults.Created($"/api/v1/media/{media.Id}", media);
        }

        return Refusal.Invalid("file", "Send multipart/form-data with one part named 'file'.").ToProblem();
    }

    public static async Task<Results<Ok<MediaResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, ReadMedia read, CancellationToken cancellationToken)
    {
        var outcome = await read.HandleAsync(Viewer.From(caller), id, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal caller, DeleteMedia delete, CancellationToken cancellationToken) =>
        await delete.HandleAsync(caller.UserId(), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    public static Task<Results<FileStreamHttpResult, StatusCodeHttpResult, ProblemHttpResult>> File(
        Guid id, long? expires, string? sig, HttpContext context, SpotlightDb db, IMediaStore store, MediaUrls urls, IOptionsMonitor<MediaOptions> options,
        TimeProvider time, CancellationToken cancellationToken) =>
        ServeAsync(id, MediaVariant.File, expires, sig, context, db, store, urls, options.CurrentValue, time, cancellationToken);

    public static Task<Results<FileStreamHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Thumbnail(
        Guid id, long? expires, string? sig, HttpContext context, SpotlightDb db, IMediaStore store, MediaUrls urls, IOptionsMonitor<MediaOptions> options,
        TimeProvider time, CancellationToken cancellationToken) =>
        ServeAsync(id, MediaVariant.Thumbnail, expires, sig, context, db, store, urls, options.CurrentValue, time, cancellationToken);

    /// <summary>
    /// Serves a medium's bytes. A public post's media need no signature and may be cached by anyone; everything else needs
    /// a valid, unexpired signature (403 <c>invalid_signature</c> otherwise: the URL is stale or forged, and a fresh one
    /// comes with the post or media) and is cached privately until the URL expires. Media of a hidden, removed or deleted
    /// post, and media not ready, are not served (404). The ETag is strong: a stored file never changes under its key.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, StatusCodeHttpResult, ProblemHttpResult>> ServeAsync(
        Guid id, MediaVariant variant, long? expires, string? signature, HttpContext context, SpotlightDb db, IMediaStore store, MediaUrls urls,
        MediaOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var item = await db.Set<MediaItem>().AsNoTracking().Where(m => m.Id == id)
            .Select(m => new { m.Status, m.PostId, m.Exposure, m.ContentType, m.StorageKey, m.ThumbnailKey }).SingleOrDefaultAsync(cancellationToken);
        var key = variant == MediaVariant.File ? item?.StorageKey : item?.ThumbnailKey;
        if (item is null || key is null || item.Status != MediaStatus.Ready || (item.PostId is not null && item.Exposure is MediaExposure.Withheld or MediaExposure.Deleted))
        {
            return NotFound();
        }

        var isPublic = item.PostId is not null && item.Exposure == MediaExposure.Public;
        if (!isPublic && (expires is not { } until || !urls.IsValid(id, variant, until, signature)))
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, "invalid_signature",
                "This media URL is expired or not signed by this server. Read the post or media again for a fresh URL.");
        }

        var headers = context.Response.Headers;
        headers.CacheControl = isPublic
            ? $"public, max-age={options.PublicMaxAgeSeconds}"
            : $"private, max-age={Math.Max(0, expires!.Value - time.GetUtcNow().ToUnixTimeSeconds())}";
        headers.ContentSecurityPolicy = ServedPolicy;
        headers.ContentDisposition = "inline";
        headers.XContentTypeOptions = "nosniff";
        var entityTag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]}\"");
        if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } wanted && wanted.Any(t => t.Compare(entityTag, useStrongComparison: false) || t.Equals(EntityTagHeaderValue.Any)))
        {
            headers.ETag = entityTag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (await store.OpenAsync(key, cancellationToken) is not { } blob)
        {
            return NotFound();
        }

        var type = variant == MediaVariant.File ? item.ContentType : MediaFiles.TypeOfThumbnail(key);
        return TypedResults.Stream(blob.Content, type, entityTag: entityTag, enableRangeProcessing: true);
    }

    private static ProblemHttpResult NotFound() => Refusal.NotFound("No media is served at this URL.").ToProblem();
}
