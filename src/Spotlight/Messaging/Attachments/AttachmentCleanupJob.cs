using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Messaging.Attachments;

/// <summary>
/// Deletes uploads that no message took within <see cref="MessagingOptions.UnattachedUploadMinutes"/>, freeing their
/// uploader's quota: rows first, then the files of the rows that really went.
/// </summary>
internal sealed class AttachmentCleanupJob(SpotlightDb db, IAttachmentStore store, MessagingOptions options, TimeProvider time) : IJobHandler
{
    public string Type => "attachment-cleanup";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddMinutes(-options.UnattachedUploadMinutes);
        while (true)
        {
            var stale = await db.Set<Attachment>().AsNoTracking().Where(a => a.MessageId == null && a.CreatedAt < cutoff)
                .OrderBy(a => a.Id).Take(500).Select(a => new { a.Id, a.StorageKey }).ToListAsync(cancellationToken);
            if (stale.Count == 0)
            {
                return;
            }

            // Still unattached at the moment of deleting: a message may have taken one since it was read.
            var ids = stale.Select(a => a.Id).ToList();
            await db.Set<Attachment>().Where(a => ids.Contains(a.Id) && a.MessageId == null).ExecuteDeleteAsync(cancellationToken);
            var kept = await db.Set<Attachment>().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken);
            foreach (var attachment in stale.Where(a => !kept.Contains(a.Id)))
            {
                await store.DeleteAsync(attachment.StorageKey, cancellationToken);
            }
        }
    }
}
