using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>The plan and subscription endpoints, thin adapters over their handlers and <see cref="SubscriptionReads"/>.</summary>
internal static class SubscriptionEndpoints
{
    public static async Task<Results<Created<PlanResponse>, ValidationProblem, ProblemHttpResult>> CreatePlan(
        CreatePlanRequest request, ClaimsPrincipal caller, CreatePlan create, CancellationToken cancellationToken) =>
        WalletHttp.Created(await create.HandleAsync(caller.UserId(), request, cancellationToken), plan => $"/api/v1/creators/{plan.CreatorId}/plans");

    public static async Task<Ok<IReadOnlyList<PlanResponse>>> Plans(Guid id, SubscriptionReads reads) => TypedResults.Ok(await reads.PlansAsync(id));

    public static async Task<Results<Created<SubscribedResponse>, ValidationProblem, ProblemHttpResult>> Subscribe(
        Guid id, SubscribeRequest request, ClaimsPrincipal caller, SubscribeToPlan subscribe, CancellationToken cancellationToken) =>
        WalletHttp.Created(await subscribe.HandleAsync(caller.UserId(), id, request, cancellationToken), s => $"/api/v1/subscriptions/{s.Id}");

    public static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Cancel(Guid id, ClaimsPrincipal caller, CancelSubscription cancel, CancellationToken cancellationToken) =>
        WalletHttp.Found(await cancel.HandleAsync(caller.UserId(), id, cancellationToken));

    public static Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> Mine(ClaimsPrincipal caller, SubscriptionReads reads, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => reads.OfSubscriberAsync(caller.UserId(), page));

    public static Task<Results<Ok<Page<SubscriptionResponse>>, ValidationProblem>> Subscribers(ClaimsPrincipal caller, SubscriptionReads reads, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => reads.OfCreatorAsync(caller.UserId(), page));

    public static async Task<Results<Ok<SubscriptionResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, SubscriptionReads reads) =>
        WalletHttp.Found(await reads.GetAsync(caller.UserId(), id));
}
