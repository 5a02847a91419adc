using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>The reads of plans and subscriptions: a creator's plans, a subscriber's subscriptions, a creator's subscribers, one subscription.</summary>
internal sealed class SubscriptionReads(SpotlightDb db, TimeProvider time)
{
    public async Task<IReadOnlyList<PlanResponse>> PlansAsync(Guid creatorId)
    {
        var plans = await db.Set<SubscriptionPlan>().AsNoTracking().Where(p => p.CreatorId == creatorId).OrderBy(p => p.Price).ThenBy(p => p.Id).Take(100).ToListAsync();
        return plans.Select(PlanResponse.From).ToList();
    }

    public Task<Page<SubscriptionResponse>> OfSubscriberAsync(Guid subscriberId, PageRequest page) => PageAsync(db.Set<Subscription>().Where(s => s.SubscriberId == subscriberId), page);

    public Task<Page<SubscriptionResponse>> OfCreatorAsync(Guid creatorId, PageRequest page) => PageAsync(db.Set<Subscription>().Where(s => s.CreatorId == creatorId), page);

    /// <summary>The subscriber and the creator may read a subscription; anyone else gets 404.</summary>
    public async Task<Outcome<SubscriptionResponse>> GetAsync(Guid userId, Guid id)
    {
        var subscription = await db.Set<Subscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && (s.SubscriberId == userId || s.CreatorId == userId));
        return subscription is null ? Refusal.NotFound("You have no subscription with this id.") : SubscriptionResponse.From(subscription, time.GetUtcNow().UtcDateTime);
    }

    private async Task<Page<SubscriptionResponse>> PageAsync(IQueryable<Subscription> query, PageRequest page)
    {
        if (page.After is { } after)
        {
            query = query.Where(s => s.Id.CompareTo(after) < 0);
        }

        var rows = await query.AsNoTracking().OrderByDescending(s => s.Id).Take(page.Limit + 1).ToListAsync();
        var now = time.GetUtcNow().UtcDateTime;
        return page.ToPage(rows, s => s.Id, s => SubscriptionResponse.From(s, now));
    }
}
