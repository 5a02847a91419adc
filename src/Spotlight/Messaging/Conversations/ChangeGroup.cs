using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Text;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Messaging.Conversations;

public sealed record AddMembersRequest(Guid[]? UserIds);

public sealed record RenameConversationRequest(string? Title);

/// <summary><c>PATCH /conversations/{id}</c>: the owner changes a group's title; the members get <c>conversation</c> <c>renamed</c>.</summary>
internal sealed class RenameConversation(SpotlightDb db, ConversationReader reader, RealtimeFeed feed)
{
    public async Task<Outcome<ConversationResponse>> HandleAsync(Guid me, Guid id, RenameConversationRequest request, CancellationToken cancellationToken)
    {
        var title = request.Title?.Trim();
        if (title is null || title.Length is 0 or > MessagingOptions.MaxTitleLength || !TextRules.IsStorable(title))
        {
            return Refusal.Invalid("title", $"Give 1 to {MessagingOptions.MaxTitleLength} characters.");
        }

        if (await ConversationGroups.OwnedAsync(db, id, me, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<Conversation>().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, title), cancellationToken);
        await ConversationGroups.StageChangeAsync(db, feed, id, ConversationChange.Renamed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await reader.LoadAsync(id, me, cancellationToken))!;
    }
}

/// <summary>
/// <c>POST /conversations/{id}/members</c>: the owner adds active users with no block either way, up to
/// <see cref="MessagingOptions.MaxGroupMembers"/> (409 <c>group_full</c>); adding a member again changes nothing.
/// </summary>
internal sealed class AddMembers(SpotlightDb db, NewMembers newMembers, ConversationReader reader, RealtimeFeed feed, MessagingOptions options, TimeProvider time)
{
    public async Task<Outcome<ConversationResponse>> HandleAsync(Guid me, Guid id, AddMembersRequest request, CancellationToken cancellationToken)
    {
        var wanted = (request.UserIds ?? []).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return Refusal.Invalid("userIds", "Name at least one user to add.");
        }

        if (await ConversationGroups.OwnedAsync(db, id, me, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (await newMembers.CheckAsync(me, wanted, "userIds", "You cannot add a user who blocked you or whom you blocked.", cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock the conversation so that two owners' devices adding at once cannot pass the size limit together.
        await db.Database.ExecuteSqlAsync($"""UPDATE conversations SET "LastSequence" = "LastSequence" WHERE "Id" = {id}""", cancellationToken);
        var current = await db.Set<ConversationMember>().Where(m => m.ConversationId == id).Select(m => m.UserId).ToListAsync(cancellationToken);
        var added = wanted.Except(current).ToList();
        if (current.Count + added.Count > options.MaxGroupMembers)
        {
            return Refusal.Conflict("group_full", $"A group has at most {options.MaxGroupMembers} members.");
        }

        if (added.Count > 0)
        {
            db.AddRange(added.Select(userId => new ConversationMember { ConversationId = id, UserId = userId, JoinedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            await ConversationGroups.StageChangeAsync(db, feed, id, ConversationChange.Members, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (await reader.LoadAsync(id, me, cancellationToken))!;
    }
}

/// <summary>
/// <c>DELETE /conversations/{id}/members/{userId}</c>: the owner removes a member; any member removes themselves (leaves).
/// An owner who leaves hands the group to its longest member. The removed member gets <c>conversation</c> <c>removed</c>.
/// </summary>
internal sealed class RemoveMember(SpotlightDb db, RealtimeFeed feed)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, Guid userId, CancellationToken cancellationToken)
    {
        var conversation = await ConversationGroups.OfMemberAsync(db, id, me, cancellationToken);
        if (conversation.Refusal is { } refusal)
        {
            return refusal;
        }

        if (userId != me && conversation.Value!.OwnerId != me)
        {
            return Refusal.Forbidden("not_owner", "Only the group's owner may remove other members.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.Set<ConversationMember>().Where(m => m.ConversationId == id && m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return Refusal.NotFound("This user is not a member of the conversation.");
        }

        if (conversation.Value!.OwnerId == userId)
        {
            var heir = await db.Set<ConversationMember>().Where(m => m.ConversationId == id).OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
                .Select(m => (Guid?)m.UserId).FirstOrDefaultAsync(cancellationToken);
            await db.Set<Conversation>().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, heir), cancellationToken);
        }

        await ConversationGroups.StageChangeAsync(db, feed, id, ConversationChange.Members, cancellationToken);
        await feed.StageAsync(db, new RealtimeSignal { Kind = MessagingSignals.Members, ConversationId = id, UserId = userId, Data = ConversationChange.Removed },
            cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
