using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Wallet.Subscriptions;

internal sealed record CreatePlanRequest(string? Name, long? Price);

/// <summary>A creator offers a subscription plan (coins per 30 days); audited.</summary>
internal sealed class CreatePlan(SpotlightDb db, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<PlanResponse>> HandleAsync(Guid creatorId, CreatePlanRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("name", request.Name).MaxLength("name", request.Name?.Trim(), 100);
        if (request.Price is not >= 1)
        {
            errors.Add("price", "Coins per 30 days, at least 1.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var plan = new SubscriptionPlan { Id = Guid.CreateVersion7(), CreatorId = creatorId, Name = request.Name!.Trim(), Price = request.Price!.Value, CreatedAt = time.GetUtcNow().UtcDateTime };
        db.Add(plan);
        audit.Add(db, "wallet.plan_created", "subscription_plan", plan.Id.ToString(), new { plan.Name, plan.Price });
        await db.SaveChangesAsync(CancellationToken.None);
        return PlanResponse.From(plan);
    }
}
