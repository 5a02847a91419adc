using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Wallet;

/// <summary>
/// How the wallet's endpoints answer a handler's <see cref="Outcome{T}"/>: a field refusal as the validation problem the
/// API has always sent (title "Validation failed", the generic detail, <c>errors</c>), any other refusal as its problem.
/// </summary>
internal static class WalletHttp
{
    public static Results<Created<T>, ValidationProblem, ProblemHttpResult> Created<T>(Outcome<T> outcome, Func<T, string> location)
    {
        if (outcome.Value is { } value)
        {
            return TypedResults.Created(location(value), value);
        }

        return outcome.Refusal!.ToValidationProblem() is { } validation ? validation : outcome.Refusal!.ToProblem();
    }

    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> Ok<T>(Outcome<T> outcome)
    {
        if (outcome.Value is { } value)
        {
            return TypedResults.Ok(value);
        }

        return outcome.Refusal!.ToValidationProblem() is { } validation ? validation : outcome.Refusal!.ToProblem();
    }

    /// <summary>A read or change whose refusals are never about fields (404, 409...).</summary>
    public static Results<Ok<T>, ProblemHttpResult> Found<T>(Outcome<T> outcome) =>
        outcome.Value is { } value ? TypedResults.Ok(value) : outcome.Refusal!.ToProblem();

    /// <summary>A page of a read: the page asked for (<c>limit</c>, <c>cursor</c>) is checked first.</summary>
    public static async Task<Results<Ok<T>, ValidationProblem>> Paged<T>(int? limit, string? cursor, Func<PageRequest, Task<T>> read) =>
        PageRequest.TryParse(limit, cursor, out var page, out var problem) ? TypedResults.Ok(await read(page)) : problem!;
}
