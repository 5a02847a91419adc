using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Content.Media;

/// <summary>
/// <c>GET /media/{id}</c>: the owner sees their media, attached or not; anyone else only media of a post the one entitlement
/// function lets them see whole. To everyone else the id does not exist (404), so ids cannot be probed.
/// </summary>
internal sealed class ReadMedia(SpotlightDb db, PostMedia shapes, IServiceProvider services)
{
    public async Task<Outcome<MediaResponse>> HandleAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        var item = await db.Set<MediaItem>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (item is null)
        {
            return NotFound;
        }

        if (item.OwnerId == viewer.UserId)
        {
            return shapes.ToResponse(item);
        }

        if (item.PostId is not { } postId || item.Exposure is MediaExposure.Deleted or MediaExposure.Withheld
            || services.GetService<IPostEntitlement>() is not { } entitlement
            || await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, cancellationToken) is not { } post)
        {
            return NotFound;
        }

        var access = await entitlement.DecideAsync(viewer, [post], cancellationToken);
        return access.TryGetValue(postId, out var decided) && decided == PostAccess.Whole ? shapes.ToResponse(item) : NotFound;
    }

    private static readonly Refusal NotFound = Refusal.NotFound("No media you may see has this id.");
}

/// <summary><c>DELETE /media/{id}</c>: the owner's upload that no post carries, bytes and all, freeing its quota at once.</summary>
internal sealed class DeleteMedia(SpotlightDb db, IMediaStore store)
{
    public async Task<Refusal?> HandleAsync(Guid ownerId, Guid id, CancellationToken cancellationToken)
    {
        var item = await db.Set<MediaItem>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.OwnerId == ownerId, cancellationToken);
        if (item is null)
        {
            return Refusal.NotFound("No upload of yours has this id.");
        }

        // Only while still unattached: a post may have taken it since it was read.
        if (await db.Set<MediaItem>().Where(m => m.Id == id && m.PostId == null).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return Refusal.Conflict("media_in_use", "A post carries this media; edit or delete the post to remove it.");
        }

        await store.DeleteAsync(item.StorageKey, cancellationToken);
        if (item.ThumbnailKey is { } thumbnail)
        {
            await store.DeleteAsync(thumbnail, cancellationToken);
        }

        return null;
    }
}
