using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Spotlight.Admin.Console;
using Spotlight.Admin.Dashboard;
using Spotlight.Admin.Money;
using Spotlight.Admin.Settings;
using Spotlight.Admin.SystemStatus;
using Spotlight.Identity;
using Spotlight.Platform.Configuration;
using Spotlight.Platform.Http;

namespace Spotlight.Admin;

/// <summary>
/// The admin console at <c>/admin</c> (server-rendered Razor Pages with a cookie sign-in of its own) and the
/// <c>/api/v1/admin</c> endpoints for stats, integration settings and the audit log. See docs/admin-console.md.
/// </summary>
public static class AdminModule
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var production = builder.Environment.IsProduction();
        AdminOptions.Register(services, production);
        // The API's staff routes follow the same setting as the console's enrolment.
        services.AddOptions<SecondFactorOptions>().Configure<IOptions<AdminOptions>>((o, admin) => o.RequiredForStaff = admin.Value.RequireTwoFactor == true);

        services.AddAuthentication().AddCookie(AdminCookie.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(AdminCookie.Scheme).Configure<IOptions<AdminOptions>>((o, admin) => AdminCookie.Configure(o, admin.Value, production));
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminCookie.StaffPolicy, p => p.AddAuthenticationSchemes(AdminCookie.Scheme).RequireAuthenticatedUser().RequireRole(Role.Admin, Role.Moderator))
            .AddPolicy(AdminCookie.EnrolledStaffPolicy, p => p.AddAuthenticationSchemes(AdminCookie.Scheme).RequireAuthenticatedUser().RequireRole(Role.Admin, Role.Moderator)
                .RequireAssertion(c => !c.User.HasClaim(AdminCookie.EnrolmentPendingClaim, "true")))
            .AddPolicy(AdminCookie.AdminPolicy, p => p.AddAuthenticationSchemes(AdminCookie.Scheme).RequireAuthenticatedUser().RequireRole(Role.Admin));

        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Admin/Pages";
            o.Conventions.Add(new AdminRoutePrefix());
            o.Conventions.AuthorizeFolder("/", AdminCookie.StaffPolicy);
            o.Conventions.AuthorizeFolder("/Settings", AdminCookie.AdminPolicy);
            o.Conventions.AuthorizeFolder("/System", AdminCookie.AdminPolicy);
            // Money is for administrators only: moderators see no balances, transactions or payouts (docs/admin-console.md).
            o.Conventions.AuthorizeFolder("/Money", AdminCookie.AdminPolicy);
            o.Conventions.AuthorizeFolder("/Payouts", AdminCookie.AdminPolicy);
            o.Conventions.AuthorizeFolder("/Creators", AdminCookie.AdminPolicy);
            o.Conventions.AuthorizeFolder("/Webhooks", AdminCookie.AdminPolicy);
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AllowAnonymousToPage("/Denied");
            o.Conventions.ConfigureFilter(new EnrolmentGate());
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "spotlight_admin_csrf";
            o.Cookie.Path = "/admin";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // SameAsRequest: with Always, antiforgery throws on any plain-HTTP request, which is what Kestrel sees behind a
            // TLS-terminating proxy. The session cookie itself is Secure in Production (AdminCookie).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__csrf";
        });
        services.Configure<CookieTempDataProviderOptions>(o =>
        {
            o.Cookie.Name = "spotlight_admin_flash";
            o.Cookie.Path = "/admin";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = production ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });

        builder.AddStoredSettings();
        services.AddSingleton<IntegrationSettings>();
        services.AddHostedService<IntegrationSettingsRefresher>();

        services.AddSingleton<RequestMetricsRing>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestMetricsRing>());
        services.AddSingleton<Platform.Observability.IRequestDurationObserver>(sp => sp.GetRequiredService<RequestMetricsRing>());
        services.AddScoped<DashboardReader>();
        services.AddDashboardSource<UsersDashboard>();
        services.AddDashboardSource<MoneyDashboard>();
        services.AddDashboardSource<TrafficDashboard>();
        services.AddScoped<SystemReader>();
        return builder;
    }

    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.UseMiddleware<AdminSecurityHeadersMiddleware>();
        app.MapAdminAssets();
        app.MapRazorPages();
        app.MapFallbackToPage("/admin/{**path}", "/NotFound");
        var console = app.MapGroup("/admin").ExcludeFromDescription();
        console.MapGet("/dashboard.json", AdminApi.LiveTiles).RequireAuthorization(AdminCookie.EnrolledStaffPolicy);
        console.MapGet("/audit/export.csv", AdminApi.AuditCsv).RequireAuthorization(AdminCookie.EnrolledStaffPolicy);
        app.MapAdminGroup().MapAdminApi();
        return app;
    }
}
