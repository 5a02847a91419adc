namespace Spotlight.Content.Media;

/// <summary>
/// API.md's <c>Media</c>. <see cref="Url"/> and <see cref="ThumbnailUrl"/> are signed and expire unless the media belongs to a
/// public post; a locked post carries media reduced to kind, width, height and blurhash (the rest null).
/// </summary>
public sealed record MediaResponse(
    Guid Id, string Kind, string? ContentType, long? Size, int? Width, int? Height, int? DurationMs, string? Status, string? Url,
    string? ThumbnailUrl, string? Blurhash, string? FailureReason = null);

/// <summary>How a post's media may be served, set by the post as it is created, edited, moderated or deleted.</summary>
public enum MediaExposure
{
    /// <summary>A visible public post: unsigned URLs, cacheable by anyone.</summary>
    Public,

    /// <summary>A gated post: signed, expiring URLs, <c>Cache-Control: private</c>.</summary>
    Gated,

    /// <summary>A hidden or removed post: not served (bytes kept, a moderator may restore the post).</summary>
    Withheld,

    /// <summary>A deleted post: not served, bytes removed by the cleanup job.</summary>
    Deleted,
}

/// <summary>What posts need of media, implemented by the media feature. It runs on the request's scoped <c>SpotlightDb</c>, inside the caller's transaction.</summary>
public interface IPostMedia
{
    /// <summary>
    /// Attaches the owner's media to a post in this order, replacing what the post had. Refused with 404
    /// <c>media_not_found</c> when an id is not the owner's, is on another post, or failed processing.
    /// </summary>
    Task<Platform.Errors.Refusal?> AttachAsync(Guid ownerId, Guid postId, IReadOnlyList<Guid> mediaIds, MediaExposure exposure, CancellationToken cancellationToken);

    /// <summary>Changes how every medium of a post is served (visibility edited, moderated, deleted, restored).</summary>
    Task ExposeAsync(Guid postId, MediaExposure exposure, CancellationToken cancellationToken);

    /// <summary>Each post's media in order, whole (with URLs signed unless the post's exposure is public).</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<MediaResponse>>> OfPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken);
}
