using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Http;

namespace Spotlight.Admin.Pages;

public sealed class LoginModel(ConsoleSignIn signIn, CookieSessions sessions, SpotlightDb db, IOptions<AdminOptions> options, TimeProvider time) : AdminPage
{
    [BindProperty]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [BindProperty]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Ticket { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public List<string> Errors { get; } = [];

    public bool AskForCode => Ticket is not null;

    /// <summary>At the second step: whether the account can answer with a TOTP code, with a passkey.</summary>
    public bool OffersCode { get; private set; } = true;

    public bool OffersPasskey { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Console.SignInResult result;
        if (!string.IsNullOrEmpty(Ticket))
        {
            if (string.IsNullOrWhiteSpace(Code))
            {
                Errors.Add("Enter the 6-digit code from your authenticator app, or a recovery code.");
                return await StayAsync();
            }

            result = await signIn.CheckCodeAsync(Ticket, Code, HttpContext);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
            {
                Errors.Add("Enter your email and password.");
                return Page();
            }

            result = await signIn.CheckPasswordAsync(Email, Password, HttpContext);
        }

        return await AnswerAsync(result);
    }

    /// <summary>Options for the browser's passkey prompt (called by admin.js with the form's antiforgery token and any ticket).</summary>
    public async Task<IActionResult> OnPostPasskeyBeginAsync()
    {
        var begun = await signIn.BeginPasskeyAsync(Ticket, HttpContext);
        return begun is null
            ? StatusCode(StatusCodes.Status429TooManyRequests, new { detail = "Too many sign-in attempts, or the sign-in expired. Wait a minute and start again." })
            : new JsonResult(begun);
    }

    public async Task<IActionResult> OnPostPasskeyAsync(Guid ceremonyId, string? credential)
    {
        if (Passkeys.IndexModel.ParseCredential(credential) is not { } parsed)
        {
            Errors.Add("The browser sent no passkey. Try again, and complete the prompt of your device or security key.");
            return await StayAsync();
        }

        return await AnswerAsync(await signIn.CheckPasskeyAsync(ceremonyId, parsed, Ticket, HttpContext));
    }

    private async Task<IActionResult> AnswerAsync(Console.SignInResult result)
    {
        Code = null;
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                var user = result.User!;
                // A passkey is a second factor too: an account with one has met Admin:RequireTwoFactor.
                var mustEnrol = options.Value.RequireTwoFactor == true && !user.TwoFactorEnabled && !result.HasPasskey;
                var amr = (result.Method ?? "pwd").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var sessionId = await sessions.StartAsync(db, user, HttpContext.UserAgent(), HttpContext.ClientIp(), amr, TimeSpan.FromHours(options.Value.AbsoluteTimeoutHours));
                var principal = AdminCookie.CreatePrincipal(user, time.GetUtcNow(), mustEnrol, amr, sessionId);
                await HttpContext.SignInAsync(AdminCookie.Scheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
                if (mustEnrol)
                {
                    return RedirectToPage("/EnrolTwoFactor");
                }

                return LocalRedirect(SafeReturnUrl(ReturnUrl));
            case SignInOutcome.TwoFactorRequired:
                Ticket = result.Ticket;
                (OffersCode, OffersPasskey) = (result.User!.TwoFactorEnabled, result.HasPasskey);
                ModelState.Clear();
                return Page();
            case SignInOutcome.InvalidCode:
                Ticket = result.Ticket;
                (OffersCode, OffersPasskey) = (result.User!.TwoFactorEnabled, result.HasPasskey);
                ModelState.Clear();
                Errors.Add("That code is wrong or expired. Codes change every 30 seconds: enter the current one.");
                return Page();
            case SignInOutcome.InvalidPasskey:
                Errors.Add("The passkey could not be verified. Try again, or sign in another way.");
                return await StayAsync();
            case SignInOutcome.NotStaff:
                Errors.Add("This account cannot use the admin console: it is for administrators and moderators.");
                break;
            case SignInOutcome.Banned:
                Errors.Add("This account is suspended.");
                break;
            case SignInOutcome.RateLimited:
                Errors.Add("Too many sign-in attempts. Wait a minute and try again.");
                break;
            case SignInOutcome.Busy:
                Errors.Add("The server is busy. Try again in a few seconds.");
                break;
            default:
                Errors.Add(string.IsNullOrEmpty(Ticket)
                    ? "The email or password is wrong."
                    : "The sign-in could not be completed (it expired, or the account is locked). Start again.");
                break;
        }

        Ticket = null;
        Password = null;
        ModelState.Clear();
        return Page();
    }

    /// <summary>Shows the step the sign-in was at again: the second step while its ticket holds, else the first.</summary>
    private async Task<IActionResult> StayAsync()
    {
        if (!string.IsNullOrEmpty(Ticket) && await signIn.SecondStepsAsync(Ticket, HttpContext) is { } steps)
        {
            (OffersCode, OffersPasskey) = steps;
        }
        else
        {
            Ticket = null;
        }

        Password = null;
        ModelState.Clear();
        return Page();
    }

    /// <summary>
    /// Only a path of the console: never an open redirect, and never a value the framework's own local-URL check throws on
    /// (a tab or backslash that browsers would drop or turn into a slash), so anything unusual falls back to the dashboard.
    /// </summary>
    internal static string SafeReturnUrl(string? returnUrl)
    {
        const string fallback = "/admin";
        if (returnUrl is not { Length: > 0 and <= 2048 } url || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\'))
        {
            return fallback;
        }

        var path = url.Split('?', '#')[0];
        var underAdmin = path == "/admin" || path.StartsWith("/admin/", StringComparison.Ordinal);
        var dotSegment = path.Split('/').Any(segment => segment is "." or ".." || segment.StartsWith("%2e", StringComparison.OrdinalIgnoreCase));
        return underAdmin && !url.Contains("//", StringComparison.Ordinal) && !dotSegment && !path.StartsWith("/admin/login", StringComparison.Ordinal)
            ? url
            : fallback;
    }
}
