using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Storage;

namespace Spotlight.Messaging.Attachments;

/// <summary>A user's uploads count against their storage quota, attached or not, until a deleted message or the cleanup job removes them.</summary>
internal sealed class AttachmentStorage(SpotlightDb db) : IUserStorage
{
    public async Task<long> StoredBytesAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Set<Attachment>().Where(a => a.UploaderId == userId).SumAsync(a => (long?)a.Size, cancellationToken) ?? 0;
}
