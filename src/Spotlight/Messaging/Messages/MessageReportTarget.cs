using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Moderation;

namespace Spotlight.Messaging.Messages;

/// <summary>
/// A reported message: only a member of its conversation can see it, so only a member can report it (anyone else: 404).
/// Hidden or removed by a moderator, it becomes a tombstone like a deletion; a tombstone cannot be restored.
/// </summary>
internal sealed class MessageReportTarget(SpotlightDb db, ChangeMessage change) : IReportTarget
{
    public string Type => ReportTargetTypes.Message;

    public async Task<ReportTargetSnapshot?> FindAsync(Guid targetId, Guid? viewerId, CancellationToken cancellationToken)
    {
        var message = await db.Set<Message>().AsNoTracking().Where(m => m.Id == targetId && m.DeletedAt == null)
            .Select(m => new { m.Id, m.ConversationId, m.SenderId, m.Text }).SingleOrDefaultAsync(cancellationToken);
        if (message is null || (viewerId is { } viewer && !await ConversationAccess.IsMemberAsync(db, message.ConversationId, viewer, cancellationToken)))
        {
            return null;
        }

        return new ReportTargetSnapshot(Type, message.Id, message.SenderId, message.Text ?? "", []);
    }

    public async Task<bool> ApplyAsync(Guid targetId, ContentDecision decision, string reason, CancellationToken cancellationToken) =>
        decision != ContentDecision.Restore && await change.TombstoneForModerationAsync(targetId, cancellationToken);
}
