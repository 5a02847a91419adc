using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Platform.Paging;
using Spotlight.Social;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Subscriptions;

public sealed record CreatePlanRequest(string? Name, long? Price);

public sealed record PlanResponse(Guid Id, string Name, long Price, Guid CreatorId, DateTime CreatedAt)
{
    public static PlanResponse From(SubscriptionPlan p) => new(p.Id, p.Name, p.Price, p.CreatorId, p.CreatedAt);
}

public sealed record SubscribeRequest(Guid? PlanId);

public sealed record SubscriptionResponse(
    Guid Id, string Status, DateTime CurrentPeriodEnd, Guid PlanId, Guid CreatorId, Guid SubscriberId, long Price, DateTime CurrentPeriodStart,
    DateTime? CanceledAt, DateTime? PastDueSince, bool HasAccess, DateTime CreatedAt)
{
    public static SubscriptionResponse From(Subscription s, DateTime now) => new(
        s.Id, s.Status, s.CurrentPeriodEnd, s.PlanId, s.CreatorId, s.SubscriberId, s.Price, s.CurrentPeriodStart, s.CanceledAt, s.PastDueSince, s.HasAccess(now), s.CreatedAt);
}

/// <summary>API.md's 201 body for a new subscription: the subscription plus how its first charge was split.</summary>
public sealed record SubscribedResponse(Guid Id, string Status, DateTime CurrentPeriodEnd, SplitParts Split, Guid PlanId, Guid CreatorId, long Price, Guid TransactionId);

internal static class SubscriptionsApi
{
    public static async Task<Results<Created<PlanResponse>, ValidationProblem>> CreatePlan(
        CreatePlanRequest request, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, TimeProvider time)
    {
        var errors = new FieldErrors().Required("name", request.Name).MaxLength("name", request.Name?.Trim(), 100);
        if (request.Price is not >= 1)
        {
            errors.Add("price", "Coins per 30 days, at least 1.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var plan = new SubscriptionPlan { Id = Guid.CreateVersion7(), CreatorId = caller.UserId(), Name = request.Name!.Trim(), Price = request.Price!.Value, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Add(plan);
        audit.Add(db, "wallet.plan_created", "subscription_plan", plan.Id.ToString(), new { plan.Name, plan.Price });
        await db.SaveChangesAsync();
        return TypedResults.Created($"/api/v1/creators/{plan.CreatorId}/plans", PlanResponse.From(plan));
    }

    public static async Task<Ok<IReadOnlyList<PlanResponse>>> Plans(Guid id, SpotlightDb db)
    {
        var plans = await db.Set<SubscriptionPlan>().AsNoTracking().Where(p => p.CreatorId == id).OrderBy(p => p.Price).ThenBy(p => p.Id).Take(100).ToListAsync();
        return TypedResults.Ok<IReadOnlyList<PlanResponse>>(plans.Select(PlanResponse.From).ToList());
    }

    /// <summary>Charges the first period by the subscription split; one live subscription per subscriber and creator.</summary>
    public static async Task<Results<Created<SubscribedResponse>, ValidationProblem, ProblemHttpResult>> Subscribe(
        Guid id, SubscribeRequest request, ClaimsPrincipal caller, SpotlightDb db, IRevenueSplits splits, IBlockList blocks, LedgerWriter ledger,
        IdempotencyContext idempotency, AuditLog audit, DomainEvents events, WalletMetrics metrics, TimeProvider time)
    {
        if (request.PlanId is not { } planId)
        {
            return ApiProblem.Validation("planId", "This field is required.");
        }

        var subscriber = caller.UserId();
        var plan = await db.Set<SubscriptionPlan>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId && p.CreatorId == id);
        if (plan is null || !await db.Users.AnyAsync(u => u.Id == id && u.BannedAt == null && u.Roles.Contains(Role.Creator)))
        {
            return ApiProblem.NotFound("This creator has no plan with this id.");
        }

        if (id == subscriber)
        {
            return ApiProblem.Create(400, "cannot_subscribe_self", "You cannot subscribe to yourself.");
        }

        if (await blocks.IsBlockedAsync(subscriber, id))
        {
            return MoneyProblems.Blocked("You cannot subscribe to this creator.");
        }

        var liveKey = Subscription.LiveKeyFor(subscriber, id);
        if (await db.Set<Subscription>().AnyAsync(s => s.LiveKey == liveKey))
        {
            return AlreadySubscribed();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var subscription = new Subscription
        {
            Id = Guid.CreateVersion7(), SubscriberId = subscriber, CreatorId = id, PlanId = plan.Id, Price = plan.Price, Status = SubscriptionStatus.Active,
            CurrentPeriodStart = now, CurrentPeriodEnd = now + Subscription.Period, PeriodNumber = 1, CreatedAt = now, LiveKey = liveKey,
        };
        var split = RevenueSplit.Compute(plan.Price, splits.Percentages(SaleKind.Subscription));
        var transactionId = Guid.CreateVersion7();
        await using var transaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, ChargeTransaction(transactionId, subscription), ChargePostings(subscription, split));
        if (posted is not PostResult.Posted)
        {
            metrics.Refused("subscription");
            return MoneyProblems.InsufficientFunds();
        }

        db.Add(subscription);
        audit.Add(db, "wallet.subscribed", "subscription", subscription.Id.ToString(), new { creatorId = id, planId = plan.Id, plan.Price });
        events.Raise(db, new SubscriptionStarted(subscription.Id, subscriber, id, plan.Id, plan.Price, subscription.CurrentPeriodEnd));
        var response = new SubscribedResponse(subscription.Id, subscription.Status, subscription.CurrentPeriodEnd, split, plan.Id, id, plan.Price, transactionId);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another request subscribed the same pair first: the unique live key let only one in.
            await transaction.RollbackAsync();
            db.ChangeTracker.Clear();
            return AlreadySubscribed();
        }

        await transaction.CommitAsync();
        metrics.CoinsSubscribed.Add(plan.Price);
        return TypedResults.Created($"/api/v1/subscriptions/{subscription.Id}", response);
    }

    public static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Cancel(Guid id, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, DomainEvents events, TimeProvider time)
    {
        var me = caller.UserId();
        var subscription = await db.Set<Subscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.SubscriberId == me);
        if (subscription is null)
        {
            return ApiProblem.NotFound("You have no subscription with this id.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (subscription.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Paused)
        {
            // Canceled, as the contract says; a past-due or paused subscription has no paid time left, so its access ends now
            // (hasAccess false at once). An active one keeps access to its period end.
            var endsNow = subscription.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Paused;
            var status = SubscriptionStatus.Canceled;
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Conditional on the status read, so a renewal running at the same moment is not overwritten.
            var changed = await db.Set<Subscription>().Where(s => s.Id == id && s.Status == subscription.Status && s.PeriodNumber == subscription.PeriodNumber)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status).SetProperty(s => s.CanceledAt, now)
                    .SetProperty(s => s.EndedAt, s => endsNow ? now : s.EndedAt).SetProperty(s => s.LiveKey, s => endsNow ? null : s.LiveKey));
            if (changed == 0)
            {
                return ApiProblem.Conflict("conflict", "The subscription changed meanwhile; read it and try again.");
            }

            var accessUntil = endsNow ? now : subscription.CurrentPeriodEnd;
            audit.Add(db, "wallet.subscription_canceled", "subscription", id.ToString(), new { accessUntil });
            events.Raise(db, new SubscriptionCanceled(id, me, subscription.CreatorId, accessUntil));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            subscription = await db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.Id == id);
        }

        return TypedResults.Ok(SubscriptionResponse.From(subscription, now));
    }

    public static async Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> Mine(ClaimsPrincipal caller, SpotlightDb db, TimeProvider time, int? limit, string? cursor)
    {
        var me = caller.UserId();
        return await PageAsync(db.Set<Subscription>().Where(s => s.SubscriberId == me), time, limit, cursor);
    }

    public static async Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> Subscribers(ClaimsPrincipal caller, SpotlightDb db, TimeProvider time, int? limit, string? cursor)
    {
        var me = caller.UserId();
        return await PageAsync(db.Set<Subscription>().Where(s => s.CreatorId == me), time, limit, cursor);
    }

    /// <summary>The subscriber and the creator may read a subscription; anyone else gets 404.</summary>
    public static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, SpotlightDb db, TimeProvider time)
    {
        var me = caller.UserId();
        var subscription = await db.Set<Subscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && (s.SubscriberId == me || s.CreatorId == me));
        return subscription is null ? ApiProblem.NotFound("You have no subscription with this id.") : TypedResults.Ok(SubscriptionResponse.From(subscription, time.GetUtcNow().UtcDateTime));
    }

    internal static LedgerTransaction ChargeTransaction(Guid transactionId, Subscription subscription) => new()
    {
        Id = transactionId, Type = TransactionType.Subscription, Amount = subscription.Price, InitiatorId = subscription.SubscriberId,
        Reference = $"subscription:{subscription.Id}:{subscription.PeriodNumber}",
        Metadata = $$"""{"subscriptionId":"{{subscription.Id}}","period":{{subscription.PeriodNumber}}}""",
    };

    internal static Posting[] ChargePostings(Subscription subscription, SplitParts split) =>
    [
        new Posting(LedgerAccountRef.Wallet(subscription.SubscriberId), -subscription.Price, subscription.CreatorId),
        new Posting(LedgerAccountRef.Earnings(subscription.CreatorId), split.Creator, subscription.SubscriberId),
        new Posting(LedgerAccountRef.Revenue, split.Platform),
        new Posting(LedgerAccountRef.ProcessorFees, split.Processor),
    ];

    private static ProblemHttpResult AlreadySubscribed() =>
        ApiProblem.Conflict("already_subscribed", "You already have a subscription to this creator.");

    private static async Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> PageAsync(IQueryable<Subscription> query, TimeProvider time, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        if (page.After is { } after)
        {
            query = query.Where(s => s.Id.CompareTo(after) < 0);
        }

        var rows = await query.AsNoTracking().OrderByDescending(s => s.Id).Take(page.Limit + 1).ToListAsync();
        var now = time.GetUtcNow().UtcDateTime;
        return TypedResults.Ok(page.ToPage(rows, s => s.Id, s => SubscriptionResponse.From(s, now)));
    }
}
