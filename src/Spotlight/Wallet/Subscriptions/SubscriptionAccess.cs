using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>
/// Who holds a creator's subscription now, for other modules (content entitlement, notifications) without touching the
/// wallet's tables. Access follows <see cref="Subscription.HasAccess"/>: a canceled subscription keeps it to the end of the
/// paid period; a past-due one keeps it while the renewal is retried.
/// </summary>
public interface ISubscriptionAccess
{
    /// <summary>The plans of <paramref name="creatorIds"/> that <paramref name="subscriberId"/> may use now, by creator.</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlySet<Guid>>> ActivePlansAsync(Guid subscriberId, IReadOnlyCollection<Guid> creatorIds, CancellationToken cancellationToken);

    /// <summary>Everyone with access to one of <paramref name="creatorId"/>'s plans now: a query to compose, not a list.</summary>
    IQueryable<Guid> SubscriberIds(Guid creatorId);

    /// <summary>True when every one of <paramref name="planIds"/> is a plan of <paramref name="creatorId"/>'s (a post gated on plans names only its author's).</summary>
    Task<bool> AreCreatorsPlansAsync(Guid creatorId, IReadOnlyCollection<Guid> planIds, CancellationToken cancellationToken);
}

internal sealed class SubscriptionAccess(SpotlightDb db, TimeProvider time) : ISubscriptionAccess
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlySet<Guid>>> ActivePlansAsync(
        Guid subscriberId, IReadOnlyCollection<Guid> creatorIds, CancellationToken cancellationToken)
    {
        if (creatorIds.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlySet<Guid>>();
        }

        var creators = creatorIds.Distinct().ToList();
        var rows = await WithAccess().Where(s => s.SubscriberId == subscriberId && creators.Contains(s.CreatorId))
            .Select(s => new { s.CreatorId, s.PlanId }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.CreatorId).ToDictionary(g => g.Key, g => (IReadOnlySet<Guid>)g.Select(r => r.PlanId).ToHashSet());
    }

    public IQueryable<Guid> SubscriberIds(Guid creatorId) => WithAccess().Where(s => s.CreatorId == creatorId).Select(s => s.SubscriberId);

    public async Task<bool> AreCreatorsPlansAsync(Guid creatorId, IReadOnlyCollection<Guid> planIds, CancellationToken cancellationToken)
    {
        var wanted = planIds.Distinct().ToList();
        var found = await db.Set<SubscriptionPlan>().CountAsync(p => p.CreatorId == creatorId && wanted.Contains(p.Id), cancellationToken);
        return found == wanted.Count;
    }

    // Subscription.HasAccess, as SQL.
    private IQueryable<Subscription> WithAccess()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Set<Subscription>().Where(s => s.Status != SubscriptionStatus.Expired && s.EndedAt == null
            && (s.Status == SubscriptionStatus.PastDue || s.CurrentPeriodEnd > now));
    }
}
