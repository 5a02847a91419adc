using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Tokens;

/// <summary>
/// A 401 that says what to do: a client holding an expired or stale access token is told to refresh it, one without a
/// token to sign in. Codes: <c>token_expired</c>, <c>token_stale</c> (the account changed after the token was minted:
/// a new role or tier, a new password, a sign-out, a ban), <c>unauthorized</c> (no token, or one that is not valid).
/// </summary>
internal static class AccessTokenRefusal
{
    public const string ExpiredCode = "token_expired";
    public const string StaleCode = "token_stale";

    public static Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var (code, detail, error) = Explain(context.AuthenticateFailure, now);
        // RFC 6750 §3: the scheme, and for a token that was sent, why it was refused.
        context.Response.Headers.WWWAuthenticate = error is null ? "Bearer" : $"Bearer error=\"{error}\"";
        return ProblemDetailsDefaults.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, code, detail);
    }

    private static (string Code, string Detail, string? Error) Explain(Exception? failure, DateTime now) => failure switch
    {
        null => ("unauthorized",
            "Sign in first: send the access token as 'Authorization: Bearer <accessToken>' (POST /api/v1/auth/login gives one).", null),
        // The lifetime is judged on the app's clock (AccessTokenValidation), which reports any refusal as "invalid lifetime".
        _ when IsExpired(failure, now) => (ExpiredCode,
            "The access token has expired. Get a new one with POST /api/v1/auth/refresh and your refresh token, then retry.", "invalid_token"),
        StaleAccessTokenException => (StaleCode,
            "This access token was issued before the account changed (a new role or tier, a new password, a sign-out or a ban). " +
            "Get a new one with POST /api/v1/auth/refresh, or sign in again.", "invalid_token"),
        _ => ("unauthorized", "The access token is not valid (signature, issuer, audience or format). Sign in again to get a new one.", "invalid_token"),
    };

    private static bool IsExpired(Exception failure, DateTime now) => failure is SecurityTokenExpiredException ||
        (failure is SecurityTokenInvalidLifetimeException { Expires: { } expires } && expires.ToUniversalTime() < now);
}

/// <summary>The token is genuine but its session ended or its security stamp is no longer current.</summary>
internal sealed class StaleAccessTokenException() : Exception("The session of this token has ended or its account changed.");
