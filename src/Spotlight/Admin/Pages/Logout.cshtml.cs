using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Platform.Audit;

namespace Spotlight.Admin.Pages;

[AllowDuringEnrolment]
public sealed class LogoutModel(SpotlightDb db, AuditLog audit) : AdminPage
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await audit.WriteAsync(db, "admin.signed_out", "user", CurrentUserId.ToString());
        await HttpContext.SignOutAsync(AdminCookie.Scheme);
        return RedirectToPage("/Login");
    }
}
