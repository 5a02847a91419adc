using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Social;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Sales;

namespace Spotlight.Content.Unlocks;

/// <summary>API.md's answer to <c>POST /content/{id}/unlock</c>: the sale that opened the post (the first one, on a repeat).</summary>
public sealed record UnlockResponse(Guid TransactionId, long Amount, SplitParts Split);

/// <summary>
/// Sells a premium post to a fan, once. The post's current price is charged by the premium-unlock split through the
/// wallet's <see cref="CreatorSale"/>, and the <see cref="PostUnlock"/> row (one per post and buyer, its primary key)
/// is written in the same transaction, with <see cref="PostUnlocked"/> and the idempotency key: requests racing with
/// different keys all reach the insert, one commits, the others roll back (nothing charged) and answer with the first.
/// The post's <c>UnlockCount</c> is raised by the database in that same insert (a trigger on <c>PostUnlocks</c>), so an
/// unlock costs the SQL round trips of a gift (docs: performance, "unlocks").
/// </summary>
public sealed class UnlockPost(SpotlightDb db, CreatorSale sale, IBlockList blocks, IUserDirectory users, DomainEvents events, IdempotencyContext idempotency)
{
    /// <summary><see cref="AlreadyUnlocked"/>: nothing was charged now; the receipt is the first unlock's.</summary>
    public sealed record Unlocked(UnlockResponse Receipt, bool AlreadyUnlocked);

    private static readonly Refusal NotFound = Refusal.NotFound("No post you can see has this id.");

    public async Task<Outcome<Unlocked>> HandleAsync(Guid buyerId, Guid postId, CancellationToken cancellationToken)
    {
        // One round trip, as for a gift: the post, whether a block stands between buyer and author, whether the author
        // may be paid (not banned), and the buyer's earlier unlock. This is the premium row of the entitlement function
        // (a blocked viewer, a deleted, hidden or removed post: none of it; a buyer: all of it); the unlock tests check
        // that it answers 404 exactly where GET /posts/{id} does.
        var blockedEitherWay = blocks.BlockedEitherWay(buyerId);
        var payable = users.ActiveUserIds();
        var post = await db.Set<Post>().AsNoTracking()
            .Where(p => p.Id == postId && p.DeletedAt == null)
            .Select(p => new
            {
                p.AuthorId, p.Visibility, p.Price, p.ModerationStatus,
                Blocked = blockedEitherWay.Contains(p.AuthorId),
                AuthorPayable = payable.Contains(p.AuthorId),
                Earlier = db.Set<PostUnlock>().Where(u => u.PostId == p.Id && u.BuyerId == buyerId).Select(u => (Guid?)u.TransactionId).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (post is null || post.Blocked)
        {
            return NotFound;
        }

        if (post.AuthorId == buyerId)
        {
            return Refusal.Conflict("own_post", "This is your own post: it is already open to you.");
        }

        if (post.ModerationStatus is not null || !post.AuthorPayable)
        {
            return NotFound;
        }

        if (post.Earlier is { } earlier)
        {
            return await FirstUnlockAsync(earlier, cancellationToken);
        }

        if (post.Visibility != Visibility.Premium || post.Price is not > 0)
        {
            return Refusal.Conflict("not_premium", "Only premium posts are unlocked; this one is open to its audience without buying it.");
        }

        var price = post.Price.Value;
        await using var transaction = await sale.BeginAsync(db, cancellationToken);
        var charged = await sale.ChargeAsync(db, new SaleOrder(SaleKind.PremiumUnlock, buyerId, post.AuthorId, price,
            Metadata: new { postId }, AuditDetails: new { postId, authorId = post.AuthorId, amount = price }), cancellationToken);
        if (charged.Value is not { } receipt)
        {
            // The same buyer's concurrent unlock may have taken the coins a moment ago: then the post is theirs.
            return await ExistingAsync(buyerId, postId, cancellationToken) is { } won ? won : charged.Refusal!;
        }

        db.Add(new PostUnlock { PostId = postId, BuyerId = buyerId, TransactionId = receipt.TransactionId, Price = price, CreatedAt = receipt.At });
        events.Raise(db, new PostUnlocked(postId, post.AuthorId, buyerId, receipt.TransactionId, price));
        var response = new UnlockResponse(receipt.TransactionId, price, receipt.Split);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request of this buyer's committed its unlock first (the primary key let one in): roll back the
            // charge and answer with that one. Anything else is not ours to swallow.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return await ExistingAsync(buyerId, postId, cancellationToken) ?? throw new InvalidOperationException("The unlock could not be saved.");
        }

        await transaction.CommitAsync(cancellationToken);
        sale.Completed(receipt);
        return new Unlocked(response, AlreadyUnlocked: false);
    }

    private async Task<Unlocked?> ExistingAsync(Guid buyerId, Guid postId, CancellationToken cancellationToken)
    {
        var earlier = await db.Set<PostUnlock>().AsNoTracking().Where(u => u.PostId == postId && u.BuyerId == buyerId)
            .Select(u => (Guid?)u.TransactionId).FirstOrDefaultAsync(cancellationToken);
        return earlier is { } transactionId ? await FirstUnlockAsync(transactionId, cancellationToken) : null;
    }

    private async Task<Unlocked> FirstUnlockAsync(Guid transactionId, CancellationToken cancellationToken)
    {
        var first = await sale.FindAsync(db, transactionId, SaleKind.PremiumUnlock, cancellationToken)
            ?? throw new InvalidOperationException($"The unlock's ledger transaction {transactionId} is missing.");
        return new Unlocked(new UnlockResponse(first.TransactionId, first.Amount, first.Split), AlreadyUnlocked: true);
    }
}
