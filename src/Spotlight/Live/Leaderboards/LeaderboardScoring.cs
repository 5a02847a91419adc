using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Wallet;

namespace Spotlight.Live.Leaderboards;

/// <summary>
/// Scores a committed gift: its coins (what the sender paid) go to the live's top gifters (when sent in a live), to the
/// recipient on <c>creators</c> and to the sender on <c>gifters</c>, for today, this week and all time. The gift's
/// contribution row is inserted first with a unique key, so a redelivered event scores nothing; all in one transaction.
/// </summary>
internal sealed class GiftScoresLeaderboards(SpotlightDb db) : IDomainEventHandler<GiftSent>
{
    public async Task HandleAsync(GiftSent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var gift = new LeaderboardContribution
        {
            TransactionId = domainEvent.TransactionId, SenderId = domainEvent.SenderId, RecipientId = domainEvent.RecipientId,
            LiveSessionId = domainEvent.LiveSessionId, Amount = domainEvent.Amount, SentAt = DateTime.SpecifyKind(domainEvent.SentAt, DateTimeKind.Utc),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO leaderboard_contributions ("TransactionId", "SenderId", "RecipientId", "LiveSessionId", "Amount", "SentAt")
            VALUES ({gift.TransactionId}, {gift.SenderId}, {gift.RecipientId}, {gift.LiveSessionId}, {gift.Amount}, {gift.SentAt})
            ON CONFLICT ("TransactionId") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            return; // scored before (a redelivery), or reversed before it came
        }

        // One statement for every board. Rows are always locked in the same order (live, creators, gifters; day, week,
        // all), so two gifts to the same people never deadlock on PostgreSQL.
        var sql = new StringBuilder("""INSERT INTO leaderboard_scores ("Board", "Period", "UserId", "Score", "ReachedAt") VALUES """);
        var arguments = new List<object?>();
        foreach (var (board, period, user) in Boards.Targets(gift))
        {
            var n = arguments.Count;
            sql.Append(n == 0 ? "" : ", ").Append($"({{{n}}}, {{{n + 1}}}, {{{n + 2}}}, {{{n + 3}}}, {{{n + 4}}})");
            arguments.AddRange([board, period, user, gift.Amount, gift.SentAt]);
        }

        sql.Append("""
             ON CONFLICT ("Board", "Period", "UserId") DO UPDATE SET "Score" = leaderboard_scores."Score" + excluded."Score",
            "ReachedAt" = CASE WHEN excluded."ReachedAt" > leaderboard_scores."ReachedAt" THEN excluded."ReachedAt" ELSE leaderboard_scores."ReachedAt" END
            """);
        await db.Database.ExecuteSqlAsync(FormattableStringFactory.Create(sql.ToString(), [.. arguments]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>
/// An admin's reversal takes the gift's coins off every board it scored (read from its contribution row), and each score's
/// "reached at" becomes that of the user's latest gift still counted; a score left at zero is removed, as a rebuild would.
/// </summary>
internal sealed class ReversalUnscoresLeaderboards(SpotlightDb db, TimeProvider time) : IDomainEventHandler<TransactionReversed>
{
    public async Task HandleAsync(TransactionReversed domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        var id = domainEvent.ReversedTransactionId;
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var contributions = db.Set<LeaderboardContribution>();
        var reversed = await contributions.Where(c => c.TransactionId == id && c.ReversedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReversedAt, now), cancellationToken);
        if (reversed == 0)
        {
            // Reversed before, or its GiftSent has not come yet (or it is no gift): a tombstone keeps a late gift unscored.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO leaderboard_contributions ("TransactionId", "SenderId", "RecipientId", "LiveSessionId", "Amount", "SentAt", "ReversedAt")
                VALUES ({id}, {Guid.Empty}, {Guid.Empty}, NULL, 0, {now}, {now})
                ON CONFLICT ("TransactionId") DO NOTHING
                """, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var gift = await contributions.AsNoTracking().SingleAsync(c => c.TransactionId == id, cancellationToken);
        foreach (var (board, period, user) in Boards.Targets(gift))
        {
            var latest = await Boards.CountedToward(contributions, board, period, user).MaxAsync(c => (DateTime?)c.SentAt, cancellationToken);
            var row = db.Set<LeaderboardScore>().Where(s => s.Board == board && s.Period == period && s.UserId == user);
            if (latest is null)
            {
                await row.ExecuteDeleteAsync(cancellationToken);
            }
            else
            {
                await row.ExecuteUpdateAsync(s => s.SetProperty(x => x.Score, x => x.Score - gift.Amount).SetProperty(x => x.ReachedAt, latest.Value), cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
