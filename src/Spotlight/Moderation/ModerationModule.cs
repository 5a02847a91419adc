using Spotlight.Identity.Account;
using Spotlight.Identity;
using Spotlight.Moderation.Queue;
using Spotlight.Moderation.Reports;
using Spotlight.Moderation.Targets;
using Spotlight.Platform.Http;

namespace Spotlight.Moderation;

/// <summary>Reports of posts, comments, users, messages and lives, and the moderators' queue (API.md, <c>POST /reports</c>, Admin reports).</summary>
public static class ModerationModule
{
    public static WebApplicationBuilder AddModeration(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<ReportTargetRegistry>();
        services.AddScoped<IReportTarget, UserReportTarget>();
        services.AddScoped<FileReport>();
        services.AddPersonalData<ModerationPersonalData>();
        services.AddScoped<ModerationQueue>();
        services.AddScoped<ResolveCase>();
        return builder;
    }

    public static IEndpointRouteBuilder MapModeration(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/reports", ModerationApi.File).RequireAuthorization().WithTags("Moderation").WithName("FileReport")
            .WithSummary("Report a post, comment, user, message or live; the same target again while its case is open returns your first report (200)");

        // Moderators work the queue as well as admins (staff policy, second factor when Admin:RequireTwoFactor is on); money stays admin-only elsewhere.
        var reports = app.MapGroup(AdminGroup.Prefix + "/reports").RequireAuthorization(IdentityModule.StaffPolicy).WithTags("Admin");
        reports.MapGet("/", ModerationApi.List).WithName("AdminListReports")
            .WithSummary("The moderation queue: one item per reported target (count, reasons, snapshot), ?status=open|resolved|all, newest first");
        reports.MapGet("/{id:guid}", ModerationApi.Get).WithName("AdminGetReport").WithSummary("One queue item with each report and its note");
        reports.MapPost("/{id:guid}/resolve", ModerationApi.Resolve).WithName("AdminResolveReport")
            .WithSummary("Decide a queue item (dismiss, hide, remove, warn, suspend with days, ban) with a reason: every open report of the target at once");
        reports.MapPost("/resolve", ModerationApi.ResolveMany).WithName("AdminResolveReports")
            .WithSummary("One decision for several queue items (ids); each item answers resolved or why not");
        return app;
    }
}
