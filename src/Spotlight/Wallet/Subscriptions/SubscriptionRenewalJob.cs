using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Events;
using Spotlight.Platform.Jobs;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>
/// Renews due subscriptions, retries past-due ones through the grace period, expires canceled and lapsed ones. Each
/// subscription is handled in a transaction of its own that first advances its period with an update conditional on
/// the period it read, so two nodes running the job at once charge a period once (the loser's update finds nothing;
/// the period's unique ledger reference is a second guard). Nothing is charged for a banned creator: the subscription
/// is paused instead, and renews at the first run after the creator is unbanned.
/// </summary>
internal sealed class SubscriptionRenewalJob(
    SpotlightDb db, IUserDirectory users, WalletOptions options, IRevenueSplits splits, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics, TimeProvider time,
    ILogger<SubscriptionRenewalJob> logger) : IJobHandler
{
    public const string JobType = "wallet-subscription-renewals";
    private const int BatchSize = 200;

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var payable = users.ActiveUserIds();
        var due = await db.Set<Subscription>().AsNoTracking()
            .Where(s => (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.PastDue || s.Status == SubscriptionStatus.Canceled
                    || (s.Status == SubscriptionStatus.Paused && payable.Contains(s.CreatorId)))
                && s.CurrentPeriodEnd <= now)
            .OrderBy(s => s.CurrentPeriodEnd).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var subscription in due)
        {
            db.ChangeTracker.Clear();
            await RenewAsync(subscription, now);
        }
    }

    /// <summary>What happened to one subscription: renewed, past_due, paused, expired or skipped (another worker got there first).</summary>
    internal async Task<string> RenewAsync(Subscription subscription, DateTime now)
    {
        var grace = TimeSpan.FromDays(options.SubscriptionGraceDays);
        if (subscription.Status == SubscriptionStatus.Canceled
            || (subscription.Status == SubscriptionStatus.PastDue && subscription.PastDueSince is { } since && now >= since + grace))
        {
            return await ExpireAsync(subscription, now);
        }

        // Who may be paid is Identity's to say (not banned, or a suspension that has ended).
        var payable = users.ActiveUserIds();
        if (!await payable.AnyAsync(u => u == subscription.CreatorId))
        {
            return await PauseAsync(subscription);
        }

        var renewed = new Subscription
        {
            Id = subscription.Id, SubscriberId = subscription.SubscriberId, CreatorId = subscription.CreatorId, PlanId = subscription.PlanId,
            Price = subscription.Price, Status = SubscriptionStatus.Active, PeriodNumber = subscription.PeriodNumber + 1,
            // On time, the new period follows the old one; after a past-due spell it starts at the payment.
            CurrentPeriodStart = subscription.Status == SubscriptionStatus.Active ? subscription.CurrentPeriodEnd : now,
        };
        renewed.CurrentPeriodEnd = renewed.CurrentPeriodStart + Subscription.Period;
        if (renewed.CurrentPeriodEnd <= now)
        {
            (renewed.CurrentPeriodStart, renewed.CurrentPeriodEnd) = (now, now + Subscription.Period);
        }

        await using (var transaction = await ledger.BeginAsync(db))
        {
            // Also conditional on the creator not being banned: a ban landing after the check above charges nothing.
            var claimed = await db.Set<Subscription>()
                .Where(s => s.Id == subscription.Id && s.PeriodNumber == subscription.PeriodNumber && s.Status == subscription.Status
                    && payable.Contains(s.CreatorId))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.PeriodNumber, renewed.PeriodNumber).SetProperty(s => s.Status, SubscriptionStatus.Active)
                    .SetProperty(s => s.CurrentPeriodStart, renewed.CurrentPeriodStart).SetProperty(s => s.CurrentPeriodEnd, renewed.CurrentPeriodEnd)
                    .SetProperty(s => s.PastDueSince, (DateTime?)null));
            if (claimed == 0)
            {
                return "skipped";
            }

            var transactionId = Guid.CreateVersion7();
            var split = RevenueSplit.Compute(renewed.Price, splits.Percentages(SaleKind.Subscription));
            var posted = await ledger.PostAsync(db, SubscriptionCharge.Transaction(transactionId, renewed), SubscriptionCharge.Postings(renewed, split));
            if (posted is PostResult.Posted)
            {
                audit.Add(db, "wallet.subscription_renewed", "subscription", subscription.Id.ToString(),
                    new { period = renewed.PeriodNumber, renewed.Price, transactionId }, actorId: subscription.SubscriberId);
                events.Raise(db, new SubscriptionRenewed(subscription.Id, subscription.SubscriberId, subscription.CreatorId, renewed.Price, renewed.CurrentPeriodEnd, transactionId));
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                metrics.CoinsSubscribed.Add(renewed.Price);
                return "renewed";
            }
        }

        // Too few coins: the ledger rolled the claim back with the charge. The first failure starts the grace period.
        metrics.Refused("subscription_renewal");
        if (subscription.Status == SubscriptionStatus.PastDue)
        {
            return SubscriptionStatus.PastDue;
        }

        await using (var transaction = await ledger.BeginAsync(db))
        {
            // From active, or from paused when the creator's unban finds the subscriber short of coins.
            var marked = await db.Set<Subscription>()
                .Where(s => s.Id == subscription.Id && s.PeriodNumber == subscription.PeriodNumber && s.Status == subscription.Status)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubscriptionStatus.PastDue).SetProperty(s => s.PastDueSince, now));
            if (marked == 1)
            {
                audit.Add(db, "wallet.subscription_past_due", "subscription", subscription.Id.ToString(), new { graceUntil = now + grace }, actorId: subscription.SubscriberId);
                events.Raise(db, new SubscriptionPastDue(subscription.Id, subscription.SubscriberId, subscription.CreatorId, now + grace));
                await db.SaveChangesAsync();
                logger.LogInformation("Subscription {SubscriptionId} is past due", subscription.Id);
            }

            await transaction.CommitAsync();
        }

        return SubscriptionStatus.PastDue;
    }

    private async Task<string> PauseAsync(Subscription subscription)
    {
        if (subscription.Status == SubscriptionStatus.Paused)
        {
            return SubscriptionStatus.Paused;
        }

        await using var transaction = await ledger.BeginAsync(db);
        var paused = await db.Set<Subscription>()
            .Where(s => s.Id == subscription.Id && s.PeriodNumber == subscription.PeriodNumber && s.Status == subscription.Status)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubscriptionStatus.Paused).SetProperty(s => s.PastDueSince, (DateTime?)null));
        if (paused == 0)
        {
            return "skipped";
        }

        audit.Add(db, "wallet.subscription_paused", "subscription", subscription.Id.ToString(), new { reason = "creator_banned", previous = subscription.Status },
            actorId: subscription.SubscriberId);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        logger.LogInformation("Subscription {SubscriptionId} is paused: its creator is banned", subscription.Id);
        return SubscriptionStatus.Paused;
    }

    private async Task<string> ExpireAsync(Subscription subscription, DateTime now)
    {
        await using var transaction = await ledger.BeginAsync(db);
        var expired = await db.Set<Subscription>()
            .Where(s => s.Id == subscription.Id && s.PeriodNumber == subscription.PeriodNumber && s.Status == subscription.Status)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubscriptionStatus.Expired).SetProperty(s => s.EndedAt, now).SetProperty(s => s.LiveKey, (string?)null));
        if (expired == 0)
        {
            return "skipped";
        }

        audit.Add(db, "wallet.subscription_expired", "subscription", subscription.Id.ToString(), new { previous = subscription.Status }, actorId: subscription.SubscriberId);
        events.Raise(db, new SubscriptionExpired(subscription.Id, subscription.SubscriberId, subscription.CreatorId));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return SubscriptionStatus.Expired;
    }
}
