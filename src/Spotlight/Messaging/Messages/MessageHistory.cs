using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Messaging.Messages;

/// <summary>
/// Reads a conversation's messages by sequence, for members only: back in time from a position (newest first), or
/// forward after a sequence (oldest first, what a reconnecting client missed). Deleted messages come as tombstones, so
/// sequences have no gaps and a client can tell it has everything.
/// </summary>
public sealed class MessageHistory(SpotlightDb db)
{
    public static readonly Position Newest = new(Forward: false, long.MaxValue);

    public static Position After(long sequence) => new(Forward: true, sequence);

    public async Task<Outcome<Page<MessageResponse>>> ReadAsync(Guid me, Guid conversationId, int limit, Position position, CancellationToken cancellationToken)
    {
        if (!await ConversationAccess.IsMemberAsync(db, conversationId, me, cancellationToken))
        {
            return Refusal.NotFound("No conversation of yours has this id.");
        }

        var messages = db.Set<Message>().AsNoTracking().Where(m => m.ConversationId == conversationId);
        messages = position.Forward
            ? messages.Where(m => m.Sequence > position.Sequence).OrderBy(m => m.Sequence)
            : messages.Where(m => m.Sequence < position.Sequence).OrderByDescending(m => m.Sequence);
        var rows = await messages.Take(limit + 1).ToListAsync(cancellationToken);
        var items = await MessageReader.ToResponsesAsync(db, rows.Take(limit).ToList(), cancellationToken);
        var next = rows.Count > limit ? new Position(position.Forward, items[^1].Sequence).Encode() : null;
        return new Page<MessageResponse>(items, next);
    }

    /// <summary>A place in the history and the direction to read in; opaque to clients as a cursor.</summary>
    public readonly record struct Position(bool Forward, long Sequence)
    {
        public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes((Forward ? "a" : "b") + Sequence.ToString(CultureInfo.InvariantCulture)));

        public static Position? Decode(string cursor)
        {
            Span<byte> bytes = stackalloc byte[32];
            if (cursor.Length > 40 || !Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written < 2)
            {
                return null;
            }

            var text = Encoding.ASCII.GetString(bytes[..written]);
            return text[0] is 'a' or 'b' && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? new Position(text[0] == 'a', sequence)
                : null;
        }
    }
}
