using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet;

/// <summary>A committed gift as the ledger holds it (the same facts <see cref="GiftSent"/> carried).</summary>
public sealed record GiftRecord(Guid TransactionId, Guid SenderId, Guid RecipientId, long Amount, Guid? LiveSessionId, DateTime SentAt);

/// <summary>The ledger's committed gifts that no reversal undid: for rebuilding what was computed from <see cref="GiftSent"/>.</summary>
public interface IGiftHistory
{
    /// <summary>Unreversed gifts sent at or after <paramref name="since"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<GiftRecord>> GiftsAsync(DateTime? since, CancellationToken cancellationToken);
}

internal sealed class GiftHistory(SpotlightDb db) : IGiftHistory
{
    public async Task<IReadOnlyList<GiftRecord>> GiftsAsync(DateTime? since, CancellationToken cancellationToken)
    {
        var from = since ?? DateTime.MinValue;
        var rows = await db.Set<LedgerTransaction>().AsNoTracking()
            .Where(t => t.Type == TransactionType.Gift && t.CreatedAt >= from && !db.Set<LedgerTransaction>().Any(r => r.ReversesId == t.Id))
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => new { t.Id, t.InitiatorId, t.Amount, t.Metadata, t.CreatedAt })
            .ToListAsync(cancellationToken);
        return rows.Select(t =>
        {
            // SendGift writes { giftId, quantity, recipientId, liveSessionId } (camelCase) into the transaction.
            using var metadata = JsonDocument.Parse(t.Metadata ?? "{}");
            var root = metadata.RootElement;
            var recipient = root.TryGetProperty("recipientId", out var r) && r.TryGetGuid(out var recipientId) ? recipientId : Guid.Empty;
            Guid? live = root.TryGetProperty("liveSessionId", out var l) && l.ValueKind == JsonValueKind.String && l.TryGetGuid(out var liveId) ? liveId : null;
            return new GiftRecord(t.Id, t.InitiatorId ?? Guid.Empty, recipient, t.Amount, live, DateTime.SpecifyKind(t.CreatedAt, DateTimeKind.Utc));
        }).ToList();
    }
}
