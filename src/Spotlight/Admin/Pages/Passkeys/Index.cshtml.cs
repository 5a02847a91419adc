using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Identity;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Staff;

namespace Spotlight.Admin.Pages.Passkeys;

/// <summary>
/// The signed-in staff member's own passkeys: enrol (the browser's WebAuthn ceremony, driven by admin.js), rename, remove.
/// Open during two-factor enrolment: a passkey satisfies <c>Admin:RequireTwoFactor</c> as well as an authenticator app.
/// </summary>
[AllowDuringEnrolment]
public sealed class IndexModel(ListPasskeys list, TimeProvider time) : AdminPage
{
    public IReadOnlyList<PasskeyResponse> Passkeys { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public bool Enrolling => User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true");

    /// <summary>The console asked for every factor the account has at sign-in: no step-up here.</summary>
    private Caller Me => Caller.Console(CurrentUserId, null);

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Creation options for the browser (called by admin.js with the form's antiforgery token).</summary>
    public async Task<IActionResult> OnPostBeginAsync([FromServices] BeginPasskeyRegistration begin)
    {
        var begun = await begin.HandleAsync(Me, HttpContext.RequestAborted);
        return begun.Refusal is { } refusal ? StatusCode(refusal.Status, new { refusal.Code, refusal.Detail }) : new JsonResult(begun.Value);
    }

    public async Task<IActionResult> OnPostRegisterAsync(
        Guid ceremonyId, string? credential, string? name, [FromServices] FinishPasskeyRegistration finish, [FromServices] StaffAccounts accounts)
    {
        if (ParseCredential(credential) is not { } parsed)
        {
            return await FailAsync("The browser sent no passkey. Try again, and complete the prompt of your device or security key.");
        }

        var added = await finish.HandleAsync(Me, new PasskeyRegistrationRequest(ceremonyId, string.IsNullOrWhiteSpace(name) ? null : name, parsed), HttpContext.RequestAborted);
        if (added.Refusal is { } refusal)
        {
            return await FailAsync(refusal.Detail);
        }

        if (Enrolling && await accounts.FindAsync(CurrentUserId, HttpContext.RequestAborted) is { } account)
        {
            // The passkey is this account's second factor now: sign in again without the enrolment restriction.
            await AdminCookie.SignInAgainAsync(HttpContext, account, enrolmentPending: false, time);
        }

        Flash($"Passkey “{added.Value!.Name}” added.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid id, string? name, [FromServices] RenamePasskey rename)
    {
        var renamed = await rename.HandleAsync(CurrentUserId, id, new PasskeyRenameRequest(name), HttpContext.RequestAborted);
        if (renamed.Refusal is { } refusal)
        {
            return await FailAsync(refusal.Status == StatusCodes.Status404NotFound ? "No passkey of yours has this id." : refusal.Explain());
        }

        Flash("Passkey renamed.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, [FromServices] RemovePasskey remove)
    {
        if (await remove.HandleAsync(Me, id, HttpContext.RequestAborted) is not null)
        {
            return await FailAsync("No passkey of yours has this id.");
        }

        Flash("Passkey removed: it can no longer sign in.");
        return RedirectToPage();
    }

    private async Task<IActionResult> FailAsync(string error)
    {
        Errors.Add(error);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Passkeys = (await list.HandleAsync(CurrentUserId, HttpContext.RequestAborted)).Items;

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
