using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Platform.Audit;

namespace Spotlight.Admin.Pages;

/// <summary>
/// Two-factor enrolment for a console user who has none (required when <c>Admin:RequireTwoFactor</c> is on): a new
/// authenticator key, confirmed with a current code, then ten recovery codes shown once.
/// </summary>
[AllowDuringEnrolment]
public sealed class EnrolTwoFactorModel(UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit, TimeProvider time, SpotlightIdentityOptions identity, IOptions<AdminOptions> options, Identity.Tokens.SessionStateCache sessions) : AdminPage
{
    public string? Secret { get; private set; }

    public string? OtpauthUri { get; private set; }

    /// <summary>The otpauth URI as a QR code (a PNG data URI: an image, so the CSP's img-src covers it).</summary>
    public string? QrCodeDataUri { get; private set; }

    public bool AlreadyEnabled { get; private set; }

    public bool Required => options.Value.RequireTwoFactor == true;

    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.FindByIdAsync(CurrentUserId.ToString());
        if (user is null)
        {
            return RedirectToPage("/Login");
        }

        AlreadyEnabled = user.TwoFactorEnabled;
        if (!AlreadyEnabled)
        {
            await LoadKeyAsync(user);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code)
    {
        var user = await users.FindByIdAsync(CurrentUserId.ToString());
        if (user is null)
        {
            return RedirectToPage("/Login");
        }

        if (user.TwoFactorEnabled)
        {
            return RedirectToPage("/Index");
        }

        if (!await twoFactor.VerifyTotpAsync(user, code?.Replace(" ", "", StringComparison.Ordinal).Trim()))
        {
            Errors.Add("That code is wrong or expired. Enter the current 6-digit code your app shows for this account.");
            await LoadKeyAsync(user);
            return Page();
        }

        // Every other session of the account ends (API sessions and other console sign-ins); this console session stays.
        var consoleSession = Guid.TryParse(User.FindFirst(AdminCookie.SessionClaim)?.Value, out var sid) ? sid : (Guid?)null;
        await twoFactor.EnableAsync(user, consoleSession);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactor.RecoveryCodeCount))?.ToList() ?? [];
        await audit.WriteAsync(db, "auth.2fa_enabled", "user", user.Id.ToString(), new { via = "admin_console" });
        // Enabling changed the security stamp: sign in again with the new one, and without the enrolment restriction.
        await SignInAgainAsync(user, enrolmentPending: false);
        return Page();
    }

    private async Task LoadKeyAsync(User user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (key is null)
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            await SignInAgainAsync(user, enrolmentPending: User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true"));
        }

        Secret = key;
        var issuer = Uri.EscapeDataString(identity.TotpIssuer);
        OtpauthUri = $"otpauth://totp/{Uri.EscapeDataString($"{identity.TotpIssuer}:{user.Email}")}?secret={key}&issuer={issuer}&digits=6&period=30&algorithm=SHA1";
        using var generator = new QRCoder.QRCodeGenerator();
        using var data = generator.CreateQrCode(OtpauthUri, QRCoder.QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new QRCoder.PngByteQRCode(data).GetGraphic(5));
    }

    private async Task SignInAgainAsync(User user, bool enrolmentPending)
    {
        // Identity changed the stamp: without this, the cached old one would refuse the new cookie for up to 30 s.
        await sessions.EvictUserAsync(user.Id);
        var signedInAt = long.TryParse(User.FindFirst(AdminCookie.SignedInAtClaim)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : time.GetUtcNow();
        // The same server-side session and the same sign-in methods: enrolling is not signing in with the new factor.
        var amr = User.FindAll(Identity.Tokens.AuthenticationMethods.Claim).Select(c => c.Value).ToList();
        var sessionId = Guid.TryParse(User.FindFirst(AdminCookie.SessionClaim)?.Value, out var sid) ? sid : Guid.Empty;
        await HttpContext.SignInAsync(AdminCookie.Scheme, AdminCookie.CreatePrincipal(user, signedInAt, enrolmentPending, amr, sessionId),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }
}
