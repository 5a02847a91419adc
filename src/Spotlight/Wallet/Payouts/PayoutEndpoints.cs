using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Wallet.Payouts;

/// <summary>The payout endpoints (creators' and admins'), thin adapters over their handlers and <see cref="PayoutReads"/>.</summary>
internal static class PayoutEndpoints
{
    public static async Task<Results<Created<PayoutResponse>, ValidationProblem, ProblemHttpResult>> Request(
        RequestPayoutRequest request, ClaimsPrincipal caller, RequestPayout requestPayout, CancellationToken cancellationToken) =>
        WalletHttp.Created(await requestPayout.HandleAsync(caller.UserId(), request, cancellationToken), p => $"/api/v1/creator/payouts/{p.Id}");

    public static Task<Results<Ok<Page<PayoutResponse>>, ValidationProblem>> Mine(ClaimsPrincipal caller, PayoutReads reads, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => reads.OfCreatorAsync(caller.UserId(), page));

    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, PayoutReads reads) =>
        WalletHttp.Found(await reads.GetAsync(caller.UserId(), id));

    public static Task<Results<Ok<Page<PayoutResponse>>, ValidationProblem>> AdminList(PayoutReads reads, string? status, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => reads.ListAsync(status, page));

    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> Approve(Guid id, ClaimsPrincipal caller, ApprovePayout approve, CancellationToken cancellationToken) =>
        WalletHttp.Found(await approve.HandleAsync(caller.UserId(), id, cancellationToken));

    public static async Task<Results<Ok<PayoutResponse>, ValidationProblem, ProblemHttpResult>> Reject(
        Guid id, RejectPayoutRequest? request, ClaimsPrincipal caller, RejectPayout reject, CancellationToken cancellationToken) =>
        WalletHttp.Ok(await reject.HandleAsync(caller.UserId(), id, request, cancellationToken));
}
