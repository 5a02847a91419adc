using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity.Passkeys;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Admin.Pages.Passkeys;

/// <summary>
/// The signed-in staff member's own passkeys: enrol (the browser's WebAuthn ceremony, driven by admin.js), rename, remove.
/// Open during two-factor enrolment: a passkey satisfies <c>Admin:RequireTwoFactor</c> as well as an authenticator app.
/// </summary>
[AllowDuringEnrolment]
public sealed class IndexModel(SpotlightDb db, PasskeyCeremonies ceremonies, AuditLog audit, TimeProvider time) : AdminPage
{
    public IReadOnlyList<PasskeyCredential> Passkeys { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public bool Enrolling => User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true");

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Creation options for the browser (called by admin.js with the form's antiforgery token).</summary>
    public async Task<IActionResult> OnPostBeginAsync()
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == CurrentUserId, HttpContext.RequestAborted);
        var begun = await ceremonies.BeginRegistrationAsync(user, HttpContext.RequestAborted);
        return begun.Refusal is { } refusal ? StatusCode(refusal.Status, new { refusal.Code, refusal.Detail }) : new JsonResult(begun.Value);
    }

    public async Task<IActionResult> OnPostRegisterAsync(Guid ceremonyId, string? credential, string? name)
    {
        if (ParseCredential(credential) is not { } parsed)
        {
            Errors.Add("The browser sent no passkey. Try again, and complete the prompt of your device or security key.");
            await LoadAsync();
            return Page();
        }

        var added = await ceremonies.FinishRegistrationAsync(CurrentUserId, ceremonyId, parsed, string.IsNullOrWhiteSpace(name) ? null : name, HttpContext.RequestAborted);
        if (added.Refusal is { } refusal)
        {
            Errors.Add(refusal.Detail);
            await LoadAsync();
            return Page();
        }

        if (Enrolling)
        {
            // The passkey is this account's second factor now: sign in again without the enrolment restriction.
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == CurrentUserId, HttpContext.RequestAborted);
            var signedInAt = long.TryParse(User.FindFirst(AdminCookie.SignedInAtClaim)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : time.GetUtcNow();
            // The same server-side session and the same sign-in methods: enrolling is not signing in with the new factor.
            var amr = User.FindAll(Identity.Tokens.AuthenticationMethods.Claim).Select(c => c.Value).ToList();
            var sessionId = Guid.TryParse(User.FindFirst(AdminCookie.SessionClaim)?.Value, out var sid) ? sid : Guid.Empty;
            await HttpContext.SignInAsync(AdminCookie.Scheme, AdminCookie.CreatePrincipal(user, signedInAt, enrolmentPending: false, amr, sessionId),
                new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        }

        Flash($"Passkey “{added.Value!.Name}” added.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid id, string? name)
    {
        var result = await PasskeysApi.Rename(id, new PasskeyRenameRequest(name), User, db, audit, HttpContext.RequestAborted);
        if (ApiOutcome.Error(result.Result) is { } error)
        {
            Errors.Add(ApiOutcome.IsNotFound(result.Result) ? "No passkey of yours has this id." : error);
            await LoadAsync();
            return Page();
        }

        Flash("Passkey renamed.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id)
    {
        if (!await PasskeysApi.RemoveOwnAsync(id, CurrentUserId, db, audit, HttpContext.RequestAborted))
        {
            Errors.Add("No passkey of yours has this id.");
            await LoadAsync();
            return Page();
        }

        Flash("Passkey removed: it can no longer sign in.");
        return RedirectToPage();
    }

    private async Task LoadAsync() =>
        Passkeys = await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == CurrentUserId).OrderBy(p => p.Id).ToListAsync(HttpContext.RequestAborted);

    internal static JsonElement? ParseCredential(string? credential)
    {
        if (string.IsNullOrWhiteSpace(credential) || credential.Length > 64_000)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(credential);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
