using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Wallet.Reconciliation;

namespace Spotlight.Wallet.Administration;

/// <summary>The admin money endpoints, thin adapters over <see cref="AdjustBalance"/>, <see cref="ReverseTransaction"/> and <see cref="LedgerReconciler"/>.</summary>
internal static class AdminWalletEndpoints
{
    public static async Task<Results<Created<AdjustmentResponse>, ValidationProblem, ProblemHttpResult>> Adjust(
        Guid userId, AdjustmentRequest request, ClaimsPrincipal caller, AdjustBalance adjust, CancellationToken cancellationToken)
    {
        var outcome = await adjust.HandleAsync(caller.UserId(), userId, request, cancellationToken);
        return WalletHttp.Created(outcome.Value is { } adjusted ? adjusted.Response : new Outcome<AdjustmentResponse>(null, outcome.Refusal),
            done => $"/api/v1/wallet/transactions/{done.TransactionId}");
    }

    public static async Task<Results<Created<ReversalResponse>, ValidationProblem, ProblemHttpResult>> Reverse(
        Guid id, ReverseRequest? request, ClaimsPrincipal caller, ReverseTransaction reverse, CancellationToken cancellationToken) =>
        WalletHttp.Created(await reverse.HandleAsync(caller.UserId(), id, request, cancellationToken), r => $"/api/v1/wallet/transactions/{r.TransactionId}");

    public static async Task<Ok<ReconciliationReport>> Reconcile(SpotlightDb db, LedgerReconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reconciler.RunAsync(db, cancellationToken));
}
