using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Wallet;

namespace Spotlight.Content.Discovery.ForYou;

/// <summary>
/// The for-you rank, Reddit's "hot" with weighted engagement:
/// <c>rank = log10(1 + likes·wL + comments·wC + unlocks·wU + giftCoins·wG) + (createdAt − epoch) / decaySeconds</c>.
/// Age enters as the creation time, not as "now − createdAt", so a post's rank changes only when its engagement does:
/// it can be stored and indexed, and the feed is an index scan. Decay is relative: every <c>decaySeconds</c> of age
/// costs a factor of ten in points. <c>1 +</c> (Reddit: <c>max(score, 1)</c>) so that the first like counts.
/// </summary>
public static class HotRank
{
    public static readonly DateTime Epoch = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static double Freshness(DateTime createdAt, ForYouOptions options) => (createdAt - Epoch).TotalSeconds / options.DecaySeconds;

    public static double Of(double score, DateTime createdAt, ForYouOptions options) => Math.Log10(1 + Math.Max(score, 0)) + Freshness(createdAt, options);
}

/// <summary>
/// Keeps <see cref="PostRank"/> rows: made when a post is published (or first engaged with), recomputed from the post's
/// own counters whenever they move. Recomputing from the counters, not adding to a stored sum, makes a redelivered event
/// harmless. A like taken back or a comment deleted raises no event: the rank follows at the post's next engagement.
/// </summary>
public sealed class PostRanking(SpotlightDb db, IOptions<ForYouOptions> options, TimeProvider time)
{
    public async Task RefreshAsync(Guid postId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var post = await db.Set<Post>().AsNoTracking().Where(p => p.Id == postId)
            .Select(p => new { p.AuthorId, p.CreatedAt }).SingleOrDefaultAsync(cancellationToken);
        if (post is null)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var freshness = HotRank.Freshness(post.CreatedAt, o);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO post_ranks ("PostId", "AuthorId", "Freshness", "GiftCoins", "Score", "Rank", "UpdatedAt")
            VALUES ({postId}, {post.AuthorId}, {freshness}, 0, 0, {freshness}, {now})
            ON CONFLICT ("PostId") DO NOTHING
            """, cancellationToken);
        // One statement reads the counters as they are now; log() is base 10 on both engines (SQLite's math functions).
        await db.Database.ExecuteSqlAsync($"""
            UPDATE post_ranks SET
                "Freshness" = {freshness},
                "Score" = {o.LikeWeight} * p."LikeCount" + {o.CommentWeight} * p."CommentCount" + {o.UnlockWeight} * p."UnlockCount" + {o.GiftCoinWeight} * post_ranks."GiftCoins",
                "Rank" = {freshness} + log(1 + {o.LikeWeight} * p."LikeCount" + {o.CommentWeight} * p."CommentCount" + {o.UnlockWeight} * p."UnlockCount" + {o.GiftCoinWeight} * post_ranks."GiftCoins"),
                "UpdatedAt" = {now}
            FROM "Posts" p
            WHERE p."Id" = post_ranks."PostId" AND post_ranks."PostId" = {postId}
            """, cancellationToken);
    }

    /// <summary>
    /// A gift to a creator outside a live counts toward their latest live post of the last <see cref="ForYouOptions.GiftWindowHours"/>
    /// (cheap: one index probe on the author's posts); a gift in a live is about the live, and one with no recent post counts nowhere.
    /// </summary>
    public async Task CreditGiftAsync(GiftSent gift, CancellationToken cancellationToken)
    {
        if (gift.LiveSessionId is not null || gift.Amount <= 0)
        {
            return;
        }

        var latest = await db.Set<Post>().AsNoTracking()
            .Where(p => p.AuthorId == gift.RecipientId && p.DeletedAt == null && p.ModerationStatus == null)
            .OrderByDescending(p => p.Id).Select(p => new { p.Id, p.CreatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (latest is null || latest.CreatedAt < gift.SentAt.AddHours(-options.Value.GiftWindowHours))
        {
            return;
        }

        await RefreshAsync(latest.Id, cancellationToken); // the rank row exists before coins are added to it
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var credited = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO post_gift_credits ("TransactionId", "PostId", "Coins", "CreatedAt") VALUES ({gift.TransactionId}, {latest.Id}, {gift.Amount}, {now})
            ON CONFLICT ("TransactionId") DO NOTHING
            """, cancellationToken);
        if (credited == 1)
        {
            await db.Set<PostRank>().Where(r => r.PostId == latest.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.GiftCoins, r => r.GiftCoins + gift.Amount), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await RefreshAsync(latest.Id, cancellationToken);
    }
}

/// <summary>Every engagement event re-ranks its post; one small class per event, as the event registry wants.</summary>
internal sealed class RankOnPublished(PostRanking ranking) : IDomainEventHandler<PostPublished>
{
    public Task HandleAsync(PostPublished domainEvent, EventContext context, CancellationToken cancellationToken) =>
        ranking.RefreshAsync(domainEvent.PostId, cancellationToken);
}

internal sealed class RankOnLiked(PostRanking ranking) : IDomainEventHandler<PostLiked>
{
    public Task HandleAsync(PostLiked domainEvent, EventContext context, CancellationToken cancellationToken) =>
        ranking.RefreshAsync(domainEvent.PostId, cancellationToken);
}

internal sealed class RankOnCommented(PostRanking ranking) : IDomainEventHandler<CommentAdded>
{
    public Task HandleAsync(CommentAdded domainEvent, EventContext context, CancellationToken cancellationToken) =>
        ranking.RefreshAsync(domainEvent.PostId, cancellationToken);
}

internal sealed class RankOnUnlocked(PostRanking ranking) : IDomainEventHandler<PostUnlocked>
{
    public Task HandleAsync(PostUnlocked domainEvent, EventContext context, CancellationToken cancellationToken) =>
        ranking.RefreshAsync(domainEvent.PostId, cancellationToken);
}

internal sealed class RankOnGift(PostRanking ranking) : IDomainEventHandler<GiftSent>
{
    public Task HandleAsync(GiftSent domainEvent, EventContext context, CancellationToken cancellationToken) =>
        ranking.CreditGiftAsync(domainEvent, cancellationToken);
}
