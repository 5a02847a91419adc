using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Staff;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Admin.Pages;

public sealed class LoginModel(StaffSignInTickets tickets, CookieSessions sessions, SpotlightDb db, IOptions<AdminOptions> options, TimeProvider time) : AdminPage
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

    public async Task<IActionResult> OnPostAsync([FromServices] StaffPasswordSignIn passwordStep, [FromServices] StaffCodeSignIn codeStep)
    {
        Outcome<StaffSignInStep> result;
        if (!string.IsNullOrEmpty(Ticket))
        {
            if (string.IsNullOrWhiteSpace(Code))
            {
                Errors.Add("Enter the 6-digit code from your authenticator app, or a recovery code.");
                return await StayAsync();
            }

            result = await codeStep.HandleAsync(Ticket, Code, HttpContext.RequestAborted);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
            {
                Errors.Add("Enter your email and password.");
                return Page();
            }

            result = await passwordStep.HandleAsync(Email, Password, HttpContext);
        }

        return await AnswerAsync(result);
    }

    /// <summary>Options for the browser's passkey prompt (called by admin.js with the form's antiforgery token and any ticket).</summary>
    public async Task<IActionResult> OnPostPasskeyBeginAsync([FromServices] StaffPasskeySignIn passkeySignIn)
    {
        var begun = await passkeySignIn.BeginAsync(Ticket, HttpContext);
        return begun.Refusal is not null
            ? StatusCode(StatusCodes.Status429TooManyRequests, new { detail = "Too many sign-in attempts, or the sign-in expired. Wait a minute and start again." })
            : new JsonResult(begun.Value);
    }

    public async Task<IActionResult> OnPostPasskeyAsync(Guid ceremonyId, string? credential, [FromServices] StaffPasskeySignIn passkeySignIn)
    {
        if (Passkeys.IndexModel.ParseCredential(credential) is not { } parsed)
        {
            Errors.Add("The browser sent no passkey. Try again, and complete the prompt of your device or security key.");
            return await StayAsync();
        }

        return await AnswerAsync(await passkeySignIn.HandleAsync(ceremonyId, parsed, Ticket, HttpContext.RequestAborted));
    }

    private async Task<IActionResult> AnswerAsync(Outcome<StaffSignInStep> result)
    {
        Code = null;
        if (result.Value is { SignedIn: true } signedIn)
        {
            var account = signedIn.Account;
            // A passkey is a second factor too: an account with one has met Admin:RequireTwoFactor.
            var mustEnrol = options.Value.RequireTwoFactor == true && !account.TwoFactorEnabled && !signedIn.HasPasskey;
            var amr = (signedIn.Method ?? "pwd").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var sessionId = await sessions.StartAsync(db, account.Id, HttpContext.UserAgent(), HttpContext.ClientIp(), amr, TimeSpan.FromHours(options.Value.AbsoluteTimeoutHours));
            var principal = AdminCookie.CreatePrincipal(account, time.GetUtcNow(), mustEnrol, amr, sessionId);
            await HttpContext.SignInAsync(AdminCookie.Scheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
            return mustEnrol ? RedirectToPage("/EnrolTwoFactor") : LocalRedirect(SafeReturnUrl(ReturnUrl));
        }

        if (result.Value is { } secondStep)
        {
            Ticket = secondStep.Ticket;
            (OffersCode, OffersPasskey) = (secondStep.Account.TwoFactorEnabled, secondStep.HasPasskey);
            ModelState.Clear();
            return Page();
        }

        var refusal = result.Refusal!;
        if (refusal == StaffSignInRefusals.InvalidCode)
        {
            Errors.Add("That code is wrong or expired. Codes change every 30 seconds: enter the current one.");
            return await StayAsync();
        }

        if (refusal == StaffSignInRefusals.InvalidPasskey)
        {
            Errors.Add("The passkey could not be verified. Try again, or sign in another way.");
            return await StayAsync();
        }

        Errors.Add(refusal == StaffSignInRefusals.NotStaff ? "This account cannot use the admin console: it is for administrators and moderators."
            : refusal == StaffSignInRefusals.Banned ? "This account is suspended."
            : refusal == StaffSignInRefusals.RateLimited ? "Too many sign-in attempts. Wait a minute and try again."
            : refusal == StaffSignInRefusals.Busy ? "The server is busy. Try again in a few seconds."
            : string.IsNullOrEmpty(Ticket) ? "The email or password is wrong."
            : "The sign-in could not be completed (it expired, or the account is locked). Start again.");
        Ticket = null;
        Password = null;
        ModelState.Clear();
        return Page();
    }

    /// <summary>Shows the step the sign-in was at again: the second step while its ticket holds, else the first.</summary>
    private async Task<IActionResult> StayAsync()
    {
        if (!string.IsNullOrEmpty(Ticket) && await tickets.SecondStepsAsync(Ticket, HttpContext.RequestAborted) is { } steps)
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
