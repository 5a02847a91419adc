using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity;

/// <summary>
/// Whether staff routes need a second factor. Set by the admin module from <c>Admin:RequireTwoFactor</c> (true in
/// Production unless configured), the setting the console's enrolment follows too.
/// </summary>
public sealed class SecondFactorOptions
{
    public bool RequiredForStaff { get; set; }
}

/// <summary>
/// The caller signed in with a second factor: the token's (or cookie's) <c>amr</c> contains <c>mfa</c>. Met always when
/// <see cref="SecondFactorOptions.RequiredForStaff"/> is off. Add it to a policy with
/// <see cref="SecondFactorPolicyExtensions.RequireSecondFactor"/>; a refusal for this reason alone is a 403
/// <c>two_factor_required</c>.
/// </summary>
public sealed class SecondFactorRequirement : IAuthorizationRequirement
{
    public const string Code = "two_factor_required";

    public const string Detail = "This route needs a sign-in with a second factor. Enrol two-factor authentication " +
        "(POST /api/v1/auth/2fa/setup, then /2fa/enable) or a passkey, then sign in again with it.";
}

public static class SecondFactorPolicyExtensions
{
    public static AuthorizationPolicyBuilder RequireSecondFactor(this AuthorizationPolicyBuilder policy) =>
        policy.AddRequirements(new SecondFactorRequirement());
}

internal sealed class SecondFactorHandler(IOptions<SecondFactorOptions> options) : AuthorizationHandler<SecondFactorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SecondFactorRequirement requirement)
    {
        var methods = context.User.FindAll(AuthenticationMethods.Claim).Select(c => c.Value);
        // Left pending, not failed: an explicit Fail would hide which other requirements (the role) were unmet too.
        if (!options.Value.RequiredForStaff || AuthenticationMethods.IsMultiFactor(methods))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// Says why an API call is forbidden: when the only thing missing is the second factor, 403 <c>two_factor_required</c>
/// (so a client can send its user to enrol); when a role or a verified email is missing, 403 <c>forbidden</c> whose
/// detail names what the route needs and how a token gets it. The console's cookie refusals keep the framework's way
/// (its Denied page).
/// </summary>
internal sealed class SecondFactorRefusal : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { FailCalled: false } failure && failure.FailedRequirements.Any())
        {
            if (failure.FailedRequirements.All(r => r is SecondFactorRequirement))
            {
                return ProblemDetailsDefaults.WriteAsync(context, StatusCodes.Status403Forbidden, SecondFactorRequirement.Code, SecondFactorRequirement.Detail);
            }

            if (context.Request.Path.StartsWithSegments("/api") && Explain(failure.FailedRequirements, context.User) is { } detail)
            {
                return ProblemDetailsDefaults.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", detail);
            }
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static string? Explain(IEnumerable<IAuthorizationRequirement> failed, System.Security.Claims.ClaimsPrincipal user)
    {
        foreach (var requirement in failed)
        {
            switch (requirement)
            {
                case RolesAuthorizationRequirement roles:
                    var held = user.FindAll("role").Select(c => c.Value).ToArray();
                    return $"This route needs the role {string.Join(" or ", roles.AllowedRoles.Select(r => $"'{r}'"))}; " +
                        $"this token has {(held.Length == 0 ? "no role" : string.Join(", ", held.Select(r => $"'{r}'")))}. " +
                        "A role granted after the token was minted is in the next one: POST /api/v1/auth/refresh.";
                case ClaimsAuthorizationRequirement { ClaimType: "email_verified" }:
                    return "This route needs a verified email: confirm it with the emailed token (POST /api/v1/auth/email/verify; " +
                        "POST /api/v1/auth/email/verify/resend sends it again), then refresh the token (POST /api/v1/auth/refresh).";
            }
        }

        return null;
    }
}
