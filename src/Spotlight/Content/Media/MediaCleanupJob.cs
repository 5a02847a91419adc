using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Jobs;
using Spotlight.Platform.Storage;

namespace Spotlight.Content.Media;

/// <summary>
/// Every few minutes: removes media of deleted posts (<see cref="MediaExposure.Deleted"/>) and uploads no post took within
/// <see cref="MediaOptions.UnattachedMinutes"/> (rows first, then the bytes of the rows that really went, freeing the owner's
/// quota), and fails any video still processing after an hour (its job lost), so nothing waits forever.
/// </summary>
internal sealed class MediaCleanupJob(SpotlightDb db, IMediaStore store, IOptionsMonitor<MediaOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobType = "media-cleanup";

    public static readonly TimeSpan StuckAfter = TimeSpan.FromHours(1);

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now.AddMinutes(-options.CurrentValue.UnattachedMinutes);
        while (true)
        {
            var gone = await db.Set<MediaItem>().AsNoTracking()
                .Where(m => (m.PostId != null && m.Exposure == MediaExposure.Deleted) || (m.PostId == null && m.CreatedAt < cutoff))
                .OrderBy(m => m.Id).Take(200).Select(m => new { m.Id, m.StorageKey, m.ThumbnailKey }).ToListAsync(cancellationToken);
            if (gone.Count == 0)
            {
                break;
            }

            // Checked again as they are deleted: a post may have taken an upload since it was read.
            var ids = gone.Select(m => m.Id).ToList();
            await db.Set<MediaItem>()
                .Where(m => ids.Contains(m.Id) && ((m.PostId != null && m.Exposure == MediaExposure.Deleted) || (m.PostId == null && m.CreatedAt < cutoff)))
                .ExecuteDeleteAsync(cancellationToken);
            var kept = await db.Set<MediaItem>().Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken);
            foreach (var item in gone.Where(m => !kept.Contains(m.Id)))
            {
                await store.DeleteAsync(item.StorageKey, cancellationToken);
                if (item.ThumbnailKey is { } thumbnail)
                {
                    await store.DeleteAsync(thumbnail, cancellationToken);
                }
            }

            if (kept.Count == gone.Count)
            {
                break;
            }
        }

        var stuck = now - StuckAfter;
        await db.Set<MediaItem>().Where(m => m.Status == MediaStatus.Processing && m.CreatedAt < stuck).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MediaStatus.Failed)
            .SetProperty(m => m.FailureReason, "Processing did not finish within an hour."), cancellationToken);
    }
}

/// <summary>A user's media count against their storage quota (file and thumbnail) until deleted.</summary>
internal sealed class MediaStorage(SpotlightDb db) : IUserStorage
{
    public async Task<long> StoredBytesAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Set<MediaItem>().Where(m => m.OwnerId == userId).SumAsync(m => (long?)m.Size, cancellationToken) ?? 0;
}
