using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Live.LiveKit;

/// <summary>
/// Forgets LiveKit event ids after <see cref="Kept"/>: LiveKit redelivers a webhook within minutes, so a week is far more
/// than replay protection needs, and the table stays small.
/// </summary>
internal sealed class LiveKitWebhookCleanupJob(SpotlightDb db, TimeProvider time) : IJobHandler
{
    public const string JobType = "livekit-webhook-cleanup";
    public static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - Kept;
        await db.Set<LiveKitWebhookEvent>().Where(e => e.ReceivedAt < before).ExecuteDeleteAsync(cancellationToken);
    }
}
