using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;

namespace Spotlight.Wallet.Ledger;

/// <summary>The refusals every money endpoint shares.</summary>
internal static class MoneyProblems
{
    public static ProblemHttpResult InsufficientFunds(string detail = "Your balance does not cover this amount.") =>
        ApiProblem.Create(StatusCodes.Status402PaymentRequired, "insufficient_funds", detail);

    public static ProblemHttpResult Blocked(string detail) => ApiProblem.Forbidden("blocked", detail);
}
