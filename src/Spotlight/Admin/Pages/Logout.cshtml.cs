using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;

namespace Spotlight.Admin.Pages;

[AllowDuringEnrolment]
public sealed class LogoutModel(SpotlightDb db, AuditLog audit, CookieSessions sessions) : AdminPage
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        // Ending the session row is what makes sign-out real: a copy of the cookie would otherwise keep working.
        if (Guid.TryParse(User.FindFirst(AdminCookie.SessionClaim)?.Value, out var sessionId))
        {
            await sessions.EndAsync(db, sessionId, CurrentUserId, "logout");
        }

        await audit.WriteAsync(db, "admin.signed_out", "user", CurrentUserId.ToString());
        await HttpContext.SignOutAsync(AdminCookie.Scheme);
        return RedirectToPage("/Login");
    }
}
