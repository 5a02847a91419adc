using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Realtime.Fanout;
using Spotlight.Social;

namespace Spotlight.Messaging.Conversations;

/// <summary>Who may join a conversation with the caller: existing, active users with no block either way (Identity's directory, Social's block list).</summary>
internal sealed class NewMembers(IUserDirectory users, IBlockList blocks)
{
    /// <summary>A refusal naming <paramref name="field"/> when one of <paramref name="userIds"/> may not join; null when all may.</summary>
    public async Task<Refusal?> CheckAsync(Guid me, IReadOnlyCollection<Guid> userIds, string field, string blockedDetail, CancellationToken cancellationToken)
    {
        var facts = await users.FactsAsync(userIds, cancellationToken);
        if (!userIds.All(id => facts.GetValueOrDefault(id) is { IsBanned: false }))
        {
            return Refusal.Invalid(field, "Every member must be an existing user.");
        }

        return await blocks.BlockedEitherWay(me).AnyAsync(u => userIds.Contains(u), cancellationToken) ? Refusal.Forbidden("blocked", blockedDetail) : null;
    }
}

/// <summary>The checks and the signal every change of a group shares.</summary>
internal static class ConversationGroups
{
    /// <summary>The group <paramref name="me"/> is a member of; 404 when it is not theirs, 400 when it is a direct conversation.</summary>
    public static async Task<Outcome<Conversation>> OfMemberAsync(SpotlightDb db, Guid id, Guid me, CancellationToken cancellationToken)
    {
        var conversation = await (
            from m in db.Set<ConversationMember>().AsNoTracking()
            where m.ConversationId == id && m.UserId == me
            join c in db.Set<Conversation>().AsNoTracking() on m.ConversationId equals c.Id
            select c).SingleOrDefaultAsync(cancellationToken);
        if (conversation is null)
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        return conversation.Kind != ConversationKind.Group
            ? new Refusal(StatusCodes.Status400BadRequest, "not_a_group", "A direct conversation always has its two members; only groups change.")
            : conversation;
    }

    /// <summary>Null when <paramref name="me"/> owns the group, else why not.</summary>
    public static async Task<Refusal?> OwnedAsync(SpotlightDb db, Guid id, Guid me, CancellationToken cancellationToken)
    {
        var conversation = await OfMemberAsync(db, id, me, cancellationToken);
        return conversation.Refusal ?? (conversation.Value!.OwnerId == me ? null : Refusal.Forbidden("not_owner", "Only the group's owner may do this."));
    }

    /// <summary>Tells the members (in the caller's transaction) that the conversation changed: the hub's <c>conversation</c> event.</summary>
    public static Task StageChangeAsync(SpotlightDb db, RealtimeFeed feed, Guid conversationId, string change, CancellationToken cancellationToken) =>
        feed.StageAsync(db, new RealtimeSignal { Kind = MessagingSignals.Members, ConversationId = conversationId, Data = change }, cancellationToken: cancellationToken);
}
