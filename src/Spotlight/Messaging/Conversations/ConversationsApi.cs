using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Text;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Realtime.Fanout;
using Spotlight.Social;

namespace Spotlight.Messaging.Conversations;

public sealed record CreateConversationRequest(Guid[]? MemberIds, string? Title);

public sealed record AddMembersRequest(Guid[]? UserIds);

public sealed record RenameConversationRequest(string? Title);

/// <summary>
/// <c>/api/v1/conversations</c>: a direct conversation is one per pair (asking again returns it, 200); a group has a title,
/// an owner who adds and removes members, and at most <see cref="MessagingOptions.MaxGroupMembers"/> members. Whoever is
/// not a member gets 404 for everything under a conversation's id.
/// </summary>
internal static class ConversationsApi
{
    public static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ProblemHttpResult>> Create(
        CreateConversationRequest request, ClaimsPrincipal caller, SpotlightDb db, IBlockList blocks, RealtimeFeed feed,
        MessagingOptions options, MessagingMetrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
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
            return checks.ToRefusal().ToProblem();
        }

        if (await db.Users.CountAsync(u => others.Contains(u.Id) && u.BannedAt == null, cancellationToken) != others.Count)
        {
            return Refusal.Invalid("memberIds", "Every member must be an existing user.").ToProblem();
        }

        if (await blocks.BlockedEitherWay(me).AnyAsync(u => others.Contains(u), cancellationToken))
        {
            return Refusal.Forbidden("blocked", "You cannot start a conversation with a user who blocked you or whom you blocked.").ToProblem();
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
            return TypedResults.Ok((await ConversationQueries.LoadAsync(db, existing, me, cancellationToken))!);
        }

        db.AddRange(others.Append(me).Select(userId => new ConversationMember { ConversationId = id, UserId = userId, JoinedAt = now }));
        await db.SaveChangesAsync(cancellationToken);
        await StageChangeAsync(db, feed, id, ConversationChange.Created, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.ConversationsCreated.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return TypedResults.Created($"/api/v1/conversations/{id}", (await ConversationQueries.LoadAsync(db, id, me, cancellationToken))!);
    }

    public static async Task<Results<Ok<Page<ConversationSummary>>, ValidationProblem>> List(
        ClaimsPrincipal caller, SpotlightDb db, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var me = caller.UserId();
        var query =
            from m in db.Set<ConversationMember>().AsNoTracking()
            where m.UserId == me
            join c in db.Set<Conversation>().AsNoTracking() on m.ConversationId equals c.Id
            select new { Conversation = c, m.LastReadSequence };
        if (page.After is { } after)
        {
            query = query.Where(r => r.Conversation.ActivityId.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(r => r.Conversation.ActivityId).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var shown = rows.Take(page.Limit).ToList();
        var ids = shown.Select(r => r.Conversation.Id).ToList();
        var counts = await db.Set<ConversationMember>().Where(m => ids.Contains(m.ConversationId))
            .GroupBy(m => m.ConversationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var directIds = shown.Where(r => r.Conversation.Kind == ConversationKind.Direct).Select(r => r.Conversation.Id).ToList();
        var peers = (await ConversationQueries.MembersAsync(db, directIds, cancellationToken))
            .ToDictionary(p => p.Key, p => p.Value.FirstOrDefault(member => member.Id != me));
        var last = await ConversationQueries.LastMessagesAsync(db, shown.Select(r => r.Conversation).ToList(), cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, r => r.Conversation.ActivityId, r =>
        {
            var c = r.Conversation;
            return new ConversationSummary(c.Id, c.Kind, c.Title, c.OwnerId, counts.GetValueOrDefault(c.Id), peers.GetValueOrDefault(c.Id), c.LastSequence,
                r.LastReadSequence, ConversationQueries.Unread(c.LastSequence, r.LastReadSequence), last.GetValueOrDefault(c.Id), c.CreatedAt, c.LastMessageAt);
        }));
    }

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, SpotlightDb db, CancellationToken cancellationToken) =>
        await ConversationQueries.LoadAsync(db, id, caller.UserId(), cancellationToken) is { } conversation
            ? TypedResults.Ok(conversation)
            : Refusal.NotFound("No conversation of yours has this id.").ToProblem();

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Rename(
        Guid id, RenameConversationRequest request, ClaimsPrincipal caller, SpotlightDb db, RealtimeFeed feed, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var title = request.Title?.Trim();
        if (title is null || title.Length is 0 or > MessagingOptions.MaxTitleLength || !TextRules.IsStorable(title))
        {
            return Refusal.Invalid("title", $"Give 1 to {MessagingOptions.MaxTitleLength} characters.").ToProblem();
        }

        if (await OwnedGroupAsync(db, id, me, cancellationToken) is { } refusal)
        {
            return refusal.ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<Conversation>().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, title), cancellationToken);
        await StageChangeAsync(db, feed, id, ConversationChange.Renamed, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok((await ConversationQueries.LoadAsync(db, id, me, cancellationToken))!);
    }

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> AddMembers(
        Guid id, AddMembersRequest request, ClaimsPrincipal caller, SpotlightDb db, IBlockList blocks, RealtimeFeed feed,
        MessagingOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var wanted = (request.UserIds ?? []).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return Refusal.Invalid("userIds", "Name at least one user to add.").ToProblem();
        }

        if (await OwnedGroupAsync(db, id, me, cancellationToken) is { } refusal)
        {
            return refusal.ToProblem();
        }

        if (await db.Users.CountAsync(u => wanted.Contains(u.Id) && u.BannedAt == null, cancellationToken) != wanted.Count)
        {
            return Refusal.Invalid("userIds", "Every member must be an existing user.").ToProblem();
        }

        if (await blocks.BlockedEitherWay(me).AnyAsync(u => wanted.Contains(u), cancellationToken))
        {
            return Refusal.Forbidden("blocked", "You cannot add a user who blocked you or whom you blocked.").ToProblem();
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock the conversation so that two owners' devices adding at once cannot pass the size limit together.
        await db.Database.ExecuteSqlAsync($"""UPDATE conversations SET "LastSequence" = "LastSequence" WHERE "Id" = {id}""", cancellationToken);
        var current = await db.Set<ConversationMember>().Where(m => m.ConversationId == id).Select(m => m.UserId).ToListAsync(cancellationToken);
        var added = wanted.Except(current).ToList();
        if (current.Count + added.Count > options.MaxGroupMembers)
        {
            return Refusal.Conflict("group_full", $"A group has at most {options.MaxGroupMembers} members.").ToProblem();
        }

        if (added.Count > 0)
        {
            db.AddRange(added.Select(userId => new ConversationMember { ConversationId = id, UserId = userId, JoinedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            await StageChangeAsync(db, feed, id, ConversationChange.Members, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok((await ConversationQueries.LoadAsync(db, id, me, cancellationToken))!);
    }

    /// <summary>The owner removes a member; any member removes themselves (leaves). An owner who leaves hands the group to its longest member.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid id, Guid userId, ClaimsPrincipal caller, SpotlightDb db, RealtimeFeed feed, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var conversation = await GroupOfMemberAsync(db, id, me, cancellationToken);
        if (conversation.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        if (userId != me && conversation.Value!.OwnerId != me)
        {
            return Refusal.Forbidden("not_owner", "Only the group's owner may remove other members.").ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var removed = await db.Set<ConversationMember>().Where(m => m.ConversationId == id && m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            return Refusal.NotFound("This user is not a member of the conversation.").ToProblem();
        }

        if (conversation.Value!.OwnerId == userId)
        {
            var heir = await db.Set<ConversationMember>().Where(m => m.ConversationId == id).OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
                .Select(m => (Guid?)m.UserId).FirstOrDefaultAsync(cancellationToken);
            await db.Set<Conversation>().Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerId, heir), cancellationToken);
        }

        await StageChangeAsync(db, feed, id, ConversationChange.Members, cancellationToken);
        await feed.StageAsync(db, new RealtimeSignal { Kind = MessagingSignals.Members, ConversationId = id, UserId = userId, Data = ConversationChange.Removed },
            cancellationToken: cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Outcome<Conversation>> GroupOfMemberAsync(SpotlightDb db, Guid id, Guid me, CancellationToken cancellationToken)
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

    private static async Task<Refusal?> OwnedGroupAsync(SpotlightDb db, Guid id, Guid me, CancellationToken cancellationToken)
    {
        var conversation = await GroupOfMemberAsync(db, id, me, cancellationToken);
        return conversation.Refusal ?? (conversation.Value!.OwnerId == me ? null : Refusal.Forbidden("not_owner", "Only the group's owner may do this."));
    }

    private static Task StageChangeAsync(SpotlightDb db, RealtimeFeed feed, Guid conversationId, string change, CancellationToken cancellationToken) =>
        feed.StageAsync(db, new RealtimeSignal { Kind = MessagingSignals.Members, ConversationId = conversationId, Data = change }, cancellationToken: cancellationToken);
}
