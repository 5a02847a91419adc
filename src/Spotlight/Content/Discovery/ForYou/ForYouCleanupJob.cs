using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Content.Discovery.ForYou;

/// <summary>
/// Deletes impressions older than the "seen" window (they no longer filter anything) and gift credits past any
/// redelivery of their event, so both tables stay the size of recent activity.
/// </summary>
internal sealed class ForYouCleanupJob(SpotlightDb db, IOptions<ForYouOptions> options, TimeProvider time) : IJobHandler
{
    public const string JobType = "for-you-cleanup";

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var seenSince = now.AddHours(-options.Value.SeenHours);
        await db.Set<FeedImpression>().Where(i => i.ServedAt < seenSince).ExecuteDeleteAsync(cancellationToken);
        var creditsSince = now.AddDays(-7);
        await db.Set<PostGiftCredit>().Where(c => c.CreatedAt < creditsSince).ExecuteDeleteAsync(cancellationToken);
    }
}
