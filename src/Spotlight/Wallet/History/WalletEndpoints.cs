using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Wallet.Transfers;

namespace Spotlight.Wallet.History;

/// <summary>The caller's own money: balance, history, one transaction, earnings (<see cref="WalletHistory"/>), and transfers (<see cref="TransferCoins"/>).</summary>
internal static class WalletEndpoints
{
    public static async Task<Ok<WalletResponse>> GetWallet(ClaimsPrincipal caller, WalletHistory history) =>
        TypedResults.Ok(await history.WalletAsync(caller.UserId()));

    public static Task<Results<Ok<Page<TransactionLine>>, ValidationProblem>> Transactions(ClaimsPrincipal caller, WalletHistory history, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => history.TransactionsAsync(caller.UserId(), page));

    public static async Task<Results<Ok<TransactionLine>, ProblemHttpResult>> Transaction(Guid id, ClaimsPrincipal caller, WalletHistory history) =>
        WalletHttp.Found(await history.TransactionAsync(caller.UserId(), id));

    public static Task<Results<Ok<EarningsResponse>, ValidationProblem>> Earnings(ClaimsPrincipal caller, WalletHistory history, int? limit, string? cursor) =>
        WalletHttp.Paged(limit, cursor, page => history.EarningsAsync(caller.UserId(), page));

    public static async Task<Results<Created<TransactionLine>, ValidationProblem, ProblemHttpResult>> Transfer(
        TransferRequest request, ClaimsPrincipal caller, TransferCoins transfer, CancellationToken cancellationToken) =>
        WalletHttp.Created(await transfer.HandleAsync(caller.UserId(), request, cancellationToken), line => $"/api/v1/wallet/transactions/{line.Id}");
}
