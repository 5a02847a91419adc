using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity;

/// <summary>Who is signing in, as a new session records it (the device's user agent and address).</summary>
public sealed record SignInClient(string? UserAgent, string? Ip)
{
    public static SignInClient Of(HttpContext http) => new(http.UserAgent(), http.ClientIp());
}

/// <summary>Refusals several of Identity's use cases share.</summary>
public static class IdentityRefusals
{
    /// <summary>The password-hash workers are all busy: answered 429 with <c>Retry-After: 1</c> by the endpoints.</summary>
    public static readonly Refusal Busy = new(StatusCodes.Status429TooManyRequests, "rate_limited", "The server is busy checking passwords. Retry in a second.");

    public static readonly Refusal NoSuchAccount = Refusal.NotFound("The resource does not exist.");

    /// <summary>One field is wrong, answered as every validation problem is ("One or more fields are invalid." and the field's message).</summary>
    public static Refusal Invalid(string field, string message) => new FieldErrors().Add(field, message).ToRefusal();

    public static Refusal BadRequest(string code, string detail) => new(StatusCodes.Status400BadRequest, code, detail);

    public static Refusal Unauthorized(string code, string detail) => new(StatusCodes.Status401Unauthorized, code, detail);

    /// <summary>A named rate limit refused the caller: counted, and the limit's headers written, as the limiter's own 429 does.</summary>
    public static Refusal Throttled(RateLimits limiter, HttpContext http, RateLimitDecision decision, string policy)
    {
        var problem = limiter.Reject(http, decision, policy);
        return new Refusal(StatusCodes.Status429TooManyRequests, "rate_limited", problem.ProblemDetails.Detail!);
    }

}

/// <summary>How Identity's endpoints answer an outcome: field errors as a validation problem, any other refusal as a problem.</summary>
internal static class IdentityHttp
{
    public static Results<TOk, ValidationProblem, ProblemHttpResult> Answer<T, TOk>(this Outcome<T> outcome, Func<T, TOk> ok, HttpContext? http = null)
        where TOk : IResult =>
        outcome.Refusal is not { } refusal ? ok(outcome.Value!) : refusal.ToValidationProblem(refusal.Detail) is { } invalid ? invalid : Problem(refusal, http);

    /// <summary>For endpoints that never refuse with field errors.</summary>
    public static Results<TOk, ProblemHttpResult> AnswerOrProblem<T, TOk>(this Outcome<T> outcome, Func<T, TOk> ok, HttpContext? http = null)
        where TOk : IResult =>
        outcome.Refusal is { } refusal ? Problem(refusal, http) : ok(outcome.Value!);

    public static Results<NoContent, ValidationProblem, ProblemHttpResult> NoContentUnless(this Refusal? refusal, HttpContext? http = null) =>
        refusal is null ? TypedResults.NoContent() : refusal.ToValidationProblem(refusal.Detail) is { } invalid ? invalid : Problem(refusal, http);

    /// <summary>For use cases whose only refusals are about fields.</summary>
    public static ValidationProblem Validation(Refusal refusal) =>
        refusal.ToValidationProblem(refusal.Detail) ?? throw new InvalidOperationException($"Expected a refusal about fields, got '{refusal.Code}'.");

    public static ProblemHttpResult Problem(Refusal refusal, HttpContext? http = null)
    {
        if (ReferenceEquals(refusal, IdentityRefusals.Busy) && http is not null)
        {
            http.Response.Headers.RetryAfter = "1";
        }

        return refusal.ToProblem();
    }
}
