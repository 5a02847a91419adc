using Microsoft.AspNetCore.Http.HttpResults;

namespace Spotlight.Admin.Console;

/// <summary>
/// The console's money pages call the API's own handlers (Wallet's <c>XxxApi</c> groups), so both follow one set of rules
/// and write the same audit entries; this reads their typed result back into what a page shows. (Pages over handlers in
/// the use-case shape read their <c>Outcome</c>'s refusal instead.)
/// </summary>
internal static class ApiOutcome
{
    /// <summary>The problem's message when the handler refused, or null when it succeeded.</summary>
    public static string? Error(IResult result) => result switch
    {
        ValidationProblem validation => string.Join(" ", validation.ProblemDetails.Errors.SelectMany(e => e.Value)),
        ProblemHttpResult problem => problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title,
        _ => null,
    };

    public static bool IsNotFound(IResult result) => result is ProblemHttpResult { StatusCode: 404 };
}
