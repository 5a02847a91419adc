using System.Security.Claims;

namespace Spotlight.Platform.Http;

/// <summary>Who is calling, read from the access token's claims.</summary>
public static class CallerExtensions
{
    /// <summary>The caller's user id (<c>sub</c>). Only for endpoints that require authorization.</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("sub"), out var id) ? id : throw new InvalidOperationException("The endpoint does not require an authenticated caller.");

    public static Guid? UserIdOrNull(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("sub"), out var id) ? id : null;

    public static Guid? SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue("sid"), out var id) ? id : null;

    public static string? ClientIp(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    public static string? UserAgent(this HttpContext context) => context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null;
}
