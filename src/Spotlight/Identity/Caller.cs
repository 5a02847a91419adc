using System.Security.Claims;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Http;

namespace Spotlight.Identity;

/// <summary>
/// The signed-in account a use case acts for: its session (kept when others end), and whether that session showed a
/// second factor (<see cref="Passkeys.SecondFactorStepUp"/>).
/// </summary>
public sealed record Caller(Guid UserId, Guid? SessionId, bool MultiFactor)
{
    /// <summary>An API caller, from its access token's claims (<c>sub</c>, <c>sid</c>, <c>amr</c>).</summary>
    public static Caller From(ClaimsPrincipal principal) => new(principal.UserId(), principal.SessionId(),
        AuthenticationMethods.IsMultiFactor(principal.FindAll(AuthenticationMethods.Claim).Select(c => c.Value)));

    /// <summary>A console user: the console asks for every factor an account has at sign-in.</summary>
    public static Caller Console(Guid userId, Guid? sessionId) => new(userId, sessionId, MultiFactor: true);
}
