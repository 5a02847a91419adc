using Microsoft.Extensions.Options;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Spotlight.Identity;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Staff;
using Spotlight.Identity.Tokens;

namespace Spotlight.Admin.Console;

/// <summary>
/// The console's own sign-in: a cookie separate from the API's bearer tokens (HttpOnly, SameSite=Strict, Secure in
/// Production), sliding idle expiry and an absolute lifetime, backed by a server-side session row (its id in the cookie),
/// so ending that session (sign-out, a ban, a password change, any change of security stamp) refuses the cookie.
/// </summary>
public static class AdminCookie
{
    public const string Scheme = "AdminConsole";

    /// <summary>Admins and moderators: the pages they may read.</summary>
    public const string StaffPolicy = "admin-console";

    /// <summary>Admins only: settings, system, and every action that changes something.</summary>
    public const string AdminPolicy = "admin-console-admin";

    /// <summary>Admins and moderators who have finished any required two-factor enrolment: the console's JSON and CSV.</summary>
    public const string EnrolledStaffPolicy = "admin-console-enrolled";

    public const string EnrolmentPendingClaim = "enrolment_pending";
    public const string SignedInAtClaim = "signed_in_at";
    public const string StampClaim = "sst";

    public const string SessionClaim = "sid";

    /// <param name="amr">How the user signed in (<see cref="AuthenticationMethods"/>).</param>
    /// <param name="sessionId">The server-side session (<see cref="CookieSessions"/>) that every request checks.</param>
    public static ClaimsPrincipal CreatePrincipal(StaffAccount user, DateTimeOffset signedInAt, bool enrolmentPending, IEnumerable<string> amr, Guid sessionId)
    {
        var claims = new List<Claim>
        {
            new("sub", user.Id.ToString()),
            new("name", user.Handle),
            new("email", user.Email),
            new(SessionClaim, sessionId.ToString()),
            new(StampClaim, user.StampHash),
            new(SignedInAtClaim, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(amr.Select(method => new Claim(AuthenticationMethods.Claim, method)));
        claims.AddRange(user.Roles.Where(r => r is Role.Admin or Role.Moderator).Select(r => new Claim("role", r)));
        if (enrolmentPending)
        {
            claims.Add(new Claim(EnrolmentPendingClaim, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, "name", "role"));
    }

    /// <summary>
    /// Signs the current console user in again after their account changed (a new factor, a new stamp): the same server-side
    /// session and the same sign-in methods, since enrolling is not signing in with the new factor.
    /// </summary>
    public static Task SignInAgainAsync(HttpContext http, StaffAccount account, bool enrolmentPending, TimeProvider time)
    {
        var current = http.User;
        var signedInAt = long.TryParse(current.FindFirst(SignedInAtClaim)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : time.GetUtcNow();
        var amr = current.FindAll(AuthenticationMethods.Claim).Select(c => c.Value).ToList();
        var sessionId = Guid.TryParse(current.FindFirst(SessionClaim)?.Value, out var sid) ? sid : Guid.Empty;
        return http.SignInAsync(Scheme, CreatePrincipal(account, signedInAt, enrolmentPending, amr, sessionId),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    public static void Configure(CookieAuthenticationOptions options, AdminOptions admin, bool production)
    {
        options.Cookie.Name = "spotlight_admin";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = production ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/admin";
        options.ExpireTimeSpan = TimeSpan.FromMinutes(admin.IdleTimeoutMinutes);
        options.SlidingExpiration = true;
        options.LoginPath = "/admin/login";
        options.LogoutPath = "/admin/logout";
        options.AccessDeniedPath = "/admin/denied";
        options.ReturnUrlParameter = "returnUrl";
        options.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = ValidateAsync,
            // Pages: the browser is sent to sign in, or to the page that says what it may not do. Anything else (a form
            // post, the JSON the dashboard polls) gets the status alone.
            OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden),
        };
    }

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var wantsPage = HttpMethods.IsGet(request.Method) && !request.Path.Value!.EndsWith(".json", StringComparison.Ordinal)
            && !request.Path.Value.EndsWith(".csv", StringComparison.Ordinal);
        if (wantsPage || (status == StatusCodes.Status401Unauthorized && HttpMethods.IsPost(request.Method)))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var services = context.HttpContext.RequestServices;
        var options = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var signedInAt = long.TryParse(principal.FindFirstValue(SignedInAtClaim), CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.MinValue;
        // The session row, not the cookie, decides: sign-out, a ban, a password change or any new stamp (a role or 2FA
        // change) refuses even a copied cookie, on every node (the check is cached briefly and evicted everywhere).
        var valid = now - signedInAt < TimeSpan.FromHours(options.AbsoluteTimeoutHours)
            && (principal.IsInRole(Role.Admin) || principal.IsInRole(Role.Moderator))
            && await services.GetRequiredService<SessionStateCache>().IsCurrentAsync(principal, context.HttpContext.RequestAborted);
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
