using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Messaging.Attachments;

/// <summary>Deletes uploads that no message took within <see cref="MessagingOptions.UnattachedUploadHours"/>: rows first, then files.</summary>
internal sealed class AttachmentCleanupJob(SpotlightDb db, IAttachmentStore store, MessagingOptions options, TimeProvider time) : IJobHandler
{
    public string Type => "attachment-cleanup";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddHours(-options.UnattachedUploadHours);
        while (true)
        {
            var stale = await db.Set<Attachment>().Where(a => a.MessageId == null && a.CreatedAt < cutoff).OrderBy(a => a.Id).Take(500).ToListAsync(cancellationToken);
            if (stale.Count == 0)
            {
                return;
            }

            db.RemoveRange(stale);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            foreach (var attachment in stale)
            {
                await store.DeleteAsync(attachment.StorageKey, cancellationToken);
            }
        }
    }
}
