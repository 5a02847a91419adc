using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Content.Unlocks;

/// <summary>
/// A refunded unlock takes the access back: when an administrator reverses a <c>content_unlock</c> transaction, the
/// buyer's <see cref="PostUnlock"/> goes (and the post's <c>UnlockCount</c> with it), so the coins and the post are not
/// both kept; the buyer may unlock it again. Keyed on the reversed transaction, so a redelivery deletes nothing more.
/// </summary>
internal sealed class UnlockRefunds(SpotlightDb db, IWalletReadModel wallet) : IDomainEventHandler<TransactionReversed>
{
    public async Task HandleAsync(TransactionReversed reversed, EventContext context, CancellationToken cancellationToken)
    {
        var sale = await wallet.GetTransactionAsync(reversed.ReversedTransactionId, cancellationToken);
        if (sale is not { Type: TransactionType.ContentUnlock, InitiatorId: { } buyerId, Metadata: { } metadata })
        {
            return;
        }

        using var json = JsonDocument.Parse(metadata);
        if (!json.RootElement.TryGetProperty("postId", out var post) || !post.TryGetGuid(out var postId))
        {
            return;
        }

        await db.Set<PostUnlock>().Where(u => u.PostId == postId && u.BuyerId == buyerId && u.TransactionId == sale.Id).ExecuteDeleteAsync(cancellationToken);
    }
}
