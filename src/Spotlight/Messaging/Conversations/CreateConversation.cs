using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Text;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Messaging.Conversations;

public sealed record CreateConversationRequest(Guid[]? MemberIds, string? Title);

/// <summary>
/// <c>POST /conversations</c>: one other member and no title is a direct conversation, one per pair (asking again answers
/// the existing one, <see cref="Created.IsNew"/> false); otherwise a group the caller owns, of at most
/// <see cref="MessagingOptions.MaxGroupMembers"/> members. Members are active users with no block either way.
/// </summary>
internal sealed class CreateConversation(
    SpotlightDb db, NewMembers newMembers, ConversationReader reader, RealtimeFeed feed, MessagingOptions options, MessagingMetrics metrics, TimeProvider time)
{
    public sealed record Created(ConversationResponse Conversation, bool IsNew);

    public async Task<Outcome<Created>> HandleAsync(Guid me, CreateConversationRequest request, CancellationToken cancellationToken)
    {
        var others = (request.MemberIds ?? []).Where(id => id != me).Distinct().ToList();
        var checks = new FieldErrors();
        if (others.Count == 0)
        {
            checks.Add("memberIds", "Name at least one other user.");
        }
        else if (others.Count + 1 > options.MaxGroupMembers)
        {
            checks.Add("memberIds", $"A conversation has at most {options.MaxGroupMembers} members, you included.");
        }

        var title = request.Title?.Trim();
        if (title is not null && (title.Length is 0 or > MessagingOptions.MaxTitleLength || !TextRules.IsStorable(title)))
        {
            checks.Add("title", $"Give 1 to {MessagingOptions.MaxTitleLength} characters, or leave it out.");
        }

        if (checks.Any)
        {
            return checks.ToRefusal();
        }

        if (await newMembers.CheckAsync(me, others, "memberIds", "You cannot start a conversation with a user who blocked you or whom you blocked.", cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var direct = others.Count == 1 && title is null;
        var directKey = direct ? Conversation.DirectKeyOf(me, others[0]) : null;
        var kind = direct ? ConversationKind.Direct : ConversationKind.Group;
        Guid? owner = direct ? null : me;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO conversations ("Id", "Kind", "Title", "OwnerId", "DirectKey", "LastSequence", "ActivityId", "CreatedAt")
            VALUES ({id}, {kind}, {title}, {owner}, {directKey}, {0L}, {id}, {now})
            ON CONFLICT ("DirectKey") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            // The pair already has its direct conversation (perhaps created a moment ago by the other member).
            await transaction.RollbackAsync(cancellationToken);
            var existing = await db.Set<Conversation>().AsNoTracking().Where(c => c.DirectKey == directKey).Select(c => c.Id).SingleAsync(cancellationToken);
            return new Created((await reader.LoadAsync(existing, me, cancellationToken))!, IsNew: false);
        }

        db.AddRange(others.Append(me).Select(userId => new ConversationMember { ConversationId = id, UserId = userId, JoinedAt = now }));
        await db.SaveChangesAsync(cancellationToken);
        await ConversationGroups.StageChangeAsync(db, feed, id, ConversationChange.Created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.ConversationsCreated.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return new Created((await reader.LoadAsync(id, me, cancellationToken))!, IsNew: true);
    }
}
