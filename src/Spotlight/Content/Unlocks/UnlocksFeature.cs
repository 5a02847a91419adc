using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet;

namespace Spotlight.Content.Unlocks;

/// <summary>Registers and maps the unlocks part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class UnlocksFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UnlockPost>();
        builder.Services.AddEventHandler<TransactionReversed, UnlockRefunds>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/content/{id:guid}/unlock", Unlock).RequireAuthorization().RequireIdempotency()
            .WithName("UnlockPost").WithSummary("Buy a premium post: its price is charged once (201); a buyer asking again gets the first unlock (200, nothing charged)");
    }

    private static async Task<Results<Created<UnlockResponse>, Ok<UnlockResponse>, ProblemHttpResult>> Unlock(
        Guid id, ClaimsPrincipal caller, UnlockPost unlock, CancellationToken cancellationToken)
    {
        var outcome = await unlock.HandleAsync(caller.UserId(), id, cancellationToken);
        if (outcome.Value is not { } unlocked)
        {
            return outcome.Refusal!.ToProblem();
        }

        return unlocked.AlreadyUnlocked
            ? TypedResults.Ok(unlocked.Receipt)
            : TypedResults.Created($"/api/v1/wallet/transactions/{unlocked.Receipt.TransactionId}", unlocked.Receipt);
    }
}
