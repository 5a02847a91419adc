using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Spotlight.Admin.Console;

/// <summary>Puts every Razor page of the console under <c>/admin</c>, whatever route its <c>@page</c> names.</summary>
internal sealed class AdminRoutePrefix : IPageRouteModelConvention
{
    public void Apply(PageRouteModel model)
    {
        foreach (var selector in model.Selectors)
        {
            var template = selector.AttributeRouteModel?.Template?.TrimStart('/') ?? "";
            selector.AttributeRouteModel!.Template = template.Length == 0 ? "admin" : "admin/" + template;
        }
    }
}

/// <summary>Marks the pages an administrator who must still enrol two-factor authentication may open.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class AllowDuringEnrolmentAttribute : Attribute;

/// <summary>Sends an administrator whose sign-in is waiting on two-factor enrolment to the enrolment page, and nowhere else.</summary>
internal sealed class EnrolmentGate : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var pending = context.HttpContext.User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true");
        var allowed = context.ActionDescriptor.ModelTypeInfo?.IsDefined(typeof(AllowDuringEnrolmentAttribute), inherit: false) == true;
        if (pending && !allowed)
        {
            context.Result = new RedirectToPageResult("/EnrolTwoFactor");
            return;
        }

        await next();
    }
}

/// <summary>The console's Content-Security-Policy: scripts and styles from our own origin only, nothing inline, no framing.</summary>
internal sealed class AdminSecurityHeadersMiddleware(RequestDelegate next)
{
    public const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/admin"))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = Policy;
            // Pages with a form get no-store from antiforgery (which warns if it finds the header already set).
            context.Response.OnStarting(() =>
            {
                if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.CacheControl))
                {
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}

/// <summary>Base for console pages: the signed-in staff member, and a flash message carried over a redirect.</summary>
public abstract class AdminPage : PageModel
{
    /// <summary>A message shown once on the next page (after the redirect that follows a successful form).</summary>
    protected void Flash(string message) => TempData["Flash"] = message;

    public bool IsAdmin => User.IsInRole(Identity.Role.Admin);

    public Guid CurrentUserId => Guid.TryParse(User.FindFirst("sub")?.Value, out var id) ? id : Guid.Empty;
}
