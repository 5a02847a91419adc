using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Identity;
using Spotlight.Identity.Staff;

namespace Spotlight.Admin.Pages;

/// <summary>
/// Two-factor enrolment for a console user who has none (required when <c>Admin:RequireTwoFactor</c> is on): a new
/// authenticator key, confirmed with a current code, then ten recovery codes shown once.
/// </summary>
[AllowDuringEnrolment]
public sealed class EnrolTwoFactorModel(StaffTotpKeys keys, EnrolStaffTwoFactor enrol, IOptions<AdminOptions> options, TimeProvider time) : AdminPage
{
    public string? Secret { get; private set; }

    public string? OtpauthUri { get; private set; }

    /// <summary>The otpauth URI as a QR code (a PNG data URI: an image, so the CSP's img-src covers it).</summary>
    public string? QrCodeDataUri { get; private set; }

    public bool AlreadyEnabled { get; private set; }

    public bool Required => options.Value.RequireTwoFactor == true;

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadKeyAsync() ? Page() : RedirectToPage("/Login");

    public async Task<IActionResult> OnPostAsync(string? code)
    {
        // Every other session of the account ends (API sessions and other console sign-ins); this console session stays.
        var enrolled = await enrol.HandleAsync(CurrentUserId, ConsoleSessionId, code, HttpContext.RequestAborted);
        if (enrolled.Refusal is { } refusal)
        {
            if (refusal == EnrolStaffTwoFactor.AlreadyOn)
            {
                return RedirectToPage("/Index");
            }

            if (refusal != EnrolStaffTwoFactor.WrongCode)
            {
                return RedirectToPage("/Login");
            }

            Errors.Add(refusal.Explain());
            return await LoadKeyAsync() ? Page() : RedirectToPage("/Login");
        }

        RecoveryCodes = enrolled.Value!.RecoveryCodes;
        // Enabling changed the security stamp: sign in again with the new one, and without the enrolment restriction.
        await SignInAgainAsync(enrolled.Value.Account, enrolmentPending: false);
        return Page();
    }

    /// <summary>The key to show (made when the account has none); false when the account is gone.</summary>
    private async Task<bool> LoadKeyAsync()
    {
        var loaded = await keys.HandleAsync(CurrentUserId, HttpContext.RequestAborted);
        if (loaded.Value is not { } key)
        {
            return false;
        }

        AlreadyEnabled = key.AlreadyEnabled;
        if (AlreadyEnabled)
        {
            return true;
        }

        if (key.StampChanged)
        {
            await SignInAgainAsync(key.Account, enrolmentPending: User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true"));
        }

        Secret = key.Secret;
        OtpauthUri = key.OtpauthUri;
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(OtpauthUri!, QRCoder.QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new QRCoder.PngByteQRCode(data).GetGraphic(5));
        return true;
    }

    private Guid? ConsoleSessionId => Guid.TryParse(User.FindFirst(AdminCookie.SessionClaim)?.Value, out var sid) ? sid : null;

    private Task SignInAgainAsync(StaffAccount account, bool enrolmentPending) =>
        AdminCookie.SignInAgainAsync(HttpContext, account, enrolmentPending, time);
}
