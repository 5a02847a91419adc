using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spotlight.Platform.Text;
using Spotlight.Data;
using Spotlight.Messaging.Attachments;
using Spotlight.Messaging.Conversations;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Presence;
using Spotlight.Social;

namespace Spotlight.Messaging.Messages;

/// <summary><c>POST /conversations/{id}/messages</c>. Unknown fields are refused; <c>attachmentIds</c> are uploads of the sender's.</summary>
public sealed record PostMessageRequest(string? Text, string? ClientMessageId, Guid[]? AttachmentIds);

/// <summary>A message was stored while some member was offline: notifications pick it up.</summary>
public sealed record MessagePosted(Guid ConversationId, Guid MessageId, Guid SenderId, long Sequence) : IDomainEvent;

/// <summary>
/// Posts a message, for the REST endpoint and the hub alike. In one transaction: take the conversation's next sequence
/// (the row lock orders concurrent senders; only a member can take one), store the message unless this sender already
/// stored one with the same <c>clientMessageId</c> (then the first is returned and nothing changes), attach uploads,
/// mark it read for the sender, and stage the <c>message</c> signal. The signal leaves only when the transaction commits,
/// so a client never hears of a message that is not stored.
/// </summary>
public sealed class PostMessage(
    SpotlightDb db,
    IBlockList blocks,
    IPresence presence,
    RealtimeFeed feed,
    DomainEvents events,
    DatabaseOptions database,
    MessagingOptions options,
    MessagingMetrics metrics,
    TimeProvider time)
{
    public sealed record Posted(MessageResponse Message, bool Replayed);

    public async Task<Outcome<Posted>> HandleAsync(
        Guid senderId, Guid conversationId, string? clientMessageId, string? text, IReadOnlyList<Guid>? attachmentIds, CancellationToken cancellationToken)
    {
        attachmentIds ??= [];
        if (Check(clientMessageId, text, attachmentIds, options) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var messageId = Guid.CreateVersion7();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var taken = database.IsPostgres
            ? await TakeOnPostgresAsync(senderId, conversationId, messageId, clientMessageId!, text, now, cancellationToken)
            : await TakeStepByStepAsync(senderId, conversationId, messageId, clientMessageId!, text, now, cancellationToken);
        if (taken.Refusal is { } refusal)
        {
            return refusal;
        }

        var (sequence, someoneOffline) = taken.Value!;
        if (sequence is null)
        {
            // A retry of a send that was stored: answer with the first message; the rollback returns the sequence.
            await transaction.RollbackAsync(cancellationToken);
            var first = await db.Set<Message>().AsNoTracking()
                .SingleAsync(m => m.ConversationId == conversationId && m.SenderId == senderId && m.ClientMessageId == clientMessageId, cancellationToken);
            metrics.Replays.Add(1);
            return new Posted((await MessageReader.ToResponsesAsync(db, [first], cancellationToken))[0], Replayed: true);
        }

        var attachments = new List<AttachmentResponse>();
        if (attachmentIds.Count > 0)
        {
            var ids = attachmentIds.ToList();
            var attached = await db.Set<Attachment>()
                .Where(a => ids.Contains(a.Id) && a.UploaderId == senderId && a.MessageId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.MessageId, messageId).SetProperty(a => a.ConversationId, conversationId), cancellationToken);
            if (attached != ids.Count)
            {
                return Refusal.Invalid("attachmentIds", "Each attachment must be an upload of yours that no message carries yet.");
            }

            attachments = (await db.Set<Attachment>().AsNoTracking().Where(a => a.MessageId == messageId).OrderBy(a => a.Id).ToListAsync(cancellationToken))
                .Select(AttachmentResponse.From).ToList();
        }

        if (someoneOffline)
        {
            events.Raise(db, new MessagePosted(conversationId, messageId, senderId, sequence.Value));
            await db.SaveChangesAsync(cancellationToken);
        }

        var message = new MessageResponse(messageId, conversationId, sequence.Value, senderId, clientMessageId!, text, attachments, now, null, null);
        await feed.StageAsync(db, new RealtimeSignal
        {
            Kind = MessagingSignals.Message, ConversationId = conversationId, SubjectId = messageId, UserId = senderId, Number = sequence.Value,
        }, message, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.MessagesPosted.Add(1);
        return new Posted(message, Replayed: false);
    }

    /// <summary>
    /// Takes the next sequence (members only), checks blocks, stores the message unless this sender already stored one with
    /// this clientMessageId (then <c>Sequence</c> is null), moves the sender's read marker, and tells whether a member is offline.
    /// </summary>
    private async Task<Outcome<Taken>> TakeStepByStepAsync(
        Guid senderId, Guid conversationId, Guid messageId, string clientMessageId, string? text, DateTime now, CancellationToken cancellationToken)
    {
        var taken = await db.Database.SqlQuery<TakenSequence>($"""
            UPDATE conversations SET "LastSequence" = "LastSequence" + 1, "ActivityId" = {messageId}, "LastMessageAt" = {now}
            WHERE "Id" = {conversationId}
              AND EXISTS (SELECT 1 FROM conversation_members WHERE "ConversationId" = {conversationId} AND "UserId" = {senderId})
            RETURNING "LastSequence", "Kind", "DirectKey"
            """).ToListAsync(cancellationToken);
        if (taken.Count == 0)
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        var (sequence, kind, directKey) = (taken[0].LastSequence, taken[0].Kind, taken[0].DirectKey);
        if (kind == ConversationKind.Direct && directKey is not null && await blocks.IsBlockedAsync(senderId, OtherMember(directKey, senderId), cancellationToken))
        {
            return Blocked;
        }

        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO messages ("Id", "ConversationId", "Sequence", "SenderId", "ClientMessageId", "Text", "CreatedAt")
            VALUES ({messageId}, {conversationId}, {sequence}, {senderId}, {clientMessageId}, {text}, {now})
            ON CONFLICT ("ConversationId", "SenderId", "ClientMessageId") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            return new Taken(null, false);
        }

        await db.Set<ConversationMember>().Where(m => m.ConversationId == conversationId && m.UserId == senderId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastReadSequence, sequence).SetProperty(m => m.LastReadAt, now), cancellationToken);
        var someoneOffline = await db.Set<ConversationMember>()
            .AnyAsync(m => m.ConversationId == conversationId && m.UserId != senderId && !presence.OnlineUsers().Contains(m.UserId), cancellationToken);
        return new Taken(sequence, someoneOffline);
    }

    /// <summary>
    /// The same on PostgreSQL in two round trips instead of six: this is the hot path of chat, and each round trip costs
    /// more than the work in it. The SQL states the rules that <see cref="IBlockList"/> and <see cref="IPresence"/> state
    /// elsewhere (a block either way; online = a connection on a node with a fresh heartbeat); the tests run both paths.
    /// </summary>
    private async Task<Outcome<Taken>> TakeOnPostgresAsync(
        Guid senderId, Guid conversationId, Guid messageId, string clientMessageId, string? text, DateTime now, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        long sequence;
        bool blocked;
        bool someoneOffline;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command("""
                UPDATE conversations SET "LastSequence" = "LastSequence" + 1, "ActivityId" = $1, "LastMessageAt" = $2
                WHERE "Id" = $3 AND EXISTS (SELECT 1 FROM conversation_members WHERE "ConversationId" = $3 AND "UserId" = $4)
                RETURNING "LastSequence"
                """, messageId, now, conversationId, senderId));
            batch.BatchCommands.Add(Command("""
                SELECT EXISTS (
                    SELECT 1 FROM conversations c
                    JOIN conversation_members m ON m."ConversationId" = c."Id" AND m."UserId" <> $2
                    JOIN blocks b ON (b."BlockerId" = $2 AND b."BlockedId" = m."UserId") OR (b."BlockedId" = $2 AND b."BlockerId" = m."UserId")
                    WHERE c."Id" = $1 AND c."Kind" = 'direct')
                """, conversationId, senderId));
            batch.BatchCommands.Add(Command("""
                SELECT EXISTS (
                    SELECT 1 FROM conversation_members m
                    WHERE m."ConversationId" = $1 AND m."UserId" <> $2 AND NOT EXISTS (
                        SELECT 1 FROM realtime_connections rc JOIN realtime_nodes n ON n."Id" = rc."NodeId"
                        WHERE rc."UserId" = m."UserId" AND n."HeartbeatAt" >= $3))
                """, conversationId, senderId, presence.HeartbeatCutoff()));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return Refusal.NotFound("No conversation of yours has this id.");
            }

            sequence = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            blocked = reader.GetBoolean(0);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            someoneOffline = reader.GetBoolean(0);
        }

        if (blocked)
        {
            return Blocked;
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO messages ("Id", "ConversationId", "Sequence", "SenderId", "ClientMessageId", "Text", "CreatedAt")
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT ("ConversationId", "SenderId", "ClientMessageId") DO NOTHING
                """, messageId, conversationId, sequence, senderId, clientMessageId, (object?)text ?? DBNull.Value, now));
            batch.BatchCommands.Add(Command("""
                UPDATE conversation_members SET "LastReadSequence" = $1, "LastReadAt" = $2 WHERE "ConversationId" = $3 AND "UserId" = $4
                """, sequence, now, conversationId, senderId));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            if (batch.BatchCommands[0].RecordsAffected == 0)
            {
                return new Taken(null, false);
            }
        }

        return new Taken(sequence, someoneOffline);
    }

    private static readonly Refusal Blocked = Refusal.Forbidden("blocked", "You cannot message this user.");

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private sealed record Taken(long? Sequence, bool SomeoneOffline);

    internal static Guid OtherMember(string directKey, Guid me)
    {
        var parts = directKey.Split(':');
        var a = Guid.ParseExact(parts[0], "N");
        return a == me ? Guid.ParseExact(parts[1], "N") : a;
    }

    private static Refusal? Check(string? clientMessageId, string? text, IReadOnlyList<Guid> attachmentIds, MessagingOptions options)
    {
        var checks = new FieldErrors();
        if (!TextRules.IsClientId(clientMessageId, MessagingOptions.MaxClientMessageIdLength))
        {
            checks.Add("clientMessageId", $"Give 1 to {MessagingOptions.MaxClientMessageIdLength} printable ASCII characters, unique per message you send.");
        }

        if (text is not null && text.Length > MessagingOptions.MaxTextLength)
        {
            checks.Add("text", $"At most {MessagingOptions.MaxTextLength} characters.");
        }
        else if (text is not null && !TextRules.IsStorable(text))
        {
            checks.Add("text", "The text contains control characters or malformed Unicode.");
        }
        else if (string.IsNullOrWhiteSpace(text) && attachmentIds.Count == 0)
        {
            checks.Add("text", "A message needs text or an attachment.");
        }

        if (attachmentIds.Count > options.MaxAttachmentsPerMessage)
        {
            checks.Add("attachmentIds", $"At most {options.MaxAttachmentsPerMessage} attachments.");
        }
        else if (attachmentIds.Distinct().Count() != attachmentIds.Count)
        {
            checks.Add("attachmentIds", "An attachment is listed twice.");
        }

        return checks.Any ? checks.ToRefusal() : null;
    }

    internal sealed class TakenSequence
    {
        public long LastSequence { get; set; }

        public string Kind { get; set; } = "";

        public string? DirectKey { get; set; }
    }
}
