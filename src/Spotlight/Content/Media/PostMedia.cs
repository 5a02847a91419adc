using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Content.Media;

/// <summary>Media as posts use them: attached in order, served as the post allows, shaped for the post's readers.</summary>
internal sealed class PostMedia(SpotlightDb db, MediaUrls urls) : IPostMedia
{
    public async Task<Refusal?> AttachAsync(Guid ownerId, Guid postId, IReadOnlyList<Guid> mediaIds, MediaExposure exposure, CancellationToken cancellationToken)
    {
        var wanted = mediaIds.Distinct().ToList();
        var usable = await db.Set<MediaItem>()
            .Where(m => wanted.Contains(m.Id) && m.OwnerId == ownerId && (m.PostId == null || m.PostId == postId) && m.Status != MediaStatus.Failed)
            .ToListAsync(cancellationToken);
        if (usable.Count != wanted.Count || wanted.Count != mediaIds.Count)
        {
            return new Refusal(StatusCodes.Status404NotFound, "media_not_found",
                "Every media id must be an upload of yours that did not fail and is not on another post, listed once.");
        }

        // Media the post no longer lists are let go: unattached again, the owner may reuse or delete them.
        await db.Set<MediaItem>().Where(m => m.PostId == postId && !wanted.Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.PostId, (Guid?)null).SetProperty(m => m.Position, 0), cancellationToken);
        foreach (var item in usable)
        {
            item.PostId = postId;
            item.Position = wanted.IndexOf(item.Id);
            item.Exposure = exposure;
        }

        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public Task ExposeAsync(Guid postId, MediaExposure exposure, CancellationToken cancellationToken) =>
        db.Set<MediaItem>().Where(m => m.PostId == postId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Exposure, exposure), cancellationToken);

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<MediaResponse>>> OfPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        if (postIds.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlyList<MediaResponse>>();
        }

        var ids = postIds.Distinct().ToList();
        var items = await db.Set<MediaItem>().AsNoTracking().Where(m => m.PostId != null && ids.Contains(m.PostId.Value))
            .OrderBy(m => m.Position).ToListAsync(cancellationToken);
        return items.GroupBy(m => m.PostId!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MediaResponse>)g.Select(ToResponse).ToList());
    }

    /// <summary>A medium whole: URLs plain for a public post's media, signed otherwise; none until it is ready.</summary>
    public MediaResponse ToResponse(MediaItem m)
    {
        var ready = m.Status == MediaStatus.Ready;
        var servable = m.PostId is null || m.Exposure is MediaExposure.Public or MediaExposure.Gated;
        string? Url(MediaVariant variant) => !ready || !servable ? null
            : m.PostId is not null && m.Exposure == MediaExposure.Public ? urls.PublicUrl(m.Id, variant)
            : urls.SignedUrl(m.Id, variant);
        return new MediaResponse(m.Id, m.Kind, m.ContentType, m.Size, m.Width, m.Height, m.DurationMs, m.Status,
            Url(MediaVariant.File), m.ThumbnailKey is null ? null : Url(MediaVariant.Thumbnail), m.Blurhash, m.FailureReason);
    }
}
