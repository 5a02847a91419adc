using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Creators;

/// <summary>
/// How a user becomes a creator: <c>POST /api/v1/creator/application</c>, then an admin approves or rejects it
/// (<c>/api/v1/admin/creator-applications</c>, or the console's Creators page), or <c>Creators:AutoApprove</c> does.
/// </summary>
internal static class CreatorsFeature
{
    public static IServiceCollection AddCreatorOnboarding(this IServiceCollection services)
    {
        services.AddSettings<CreatorOptions>(CreatorOptions.Section);
        return services.AddScoped<ApplyAsCreator>().AddScoped<ReadCreatorApplication>().AddScoped<CreatorRole>();
    }

    public static IEndpointRouteBuilder MapCreatorOnboarding(this IEndpointRouteBuilder app)
    {
        // Outside the /creator group, which is for creators: applying is how a user gets there.
        var application = app.MapGroup("/api/v1/creator/application").WithTags("Identity").RequireAuthorization();
        application.MapPost("/", Apply).WithName("ApplyAsCreator")
            .WithSummary("Ask to become a creator: pending until an admin decides (or approved at once with Creators:AutoApprove)");
        application.MapGet("/", Read).WithName("GetCreatorApplication").WithSummary("The caller's latest creator application and its decision");

        var admin = app.MapAdminGroup().MapGroup("/creator-applications");
        admin.MapGet("/", List).WithName("AdminListCreatorApplications").WithSummary("Creator applications, newest first (status=pending by default, approved, rejected, all)");
        admin.MapPost("/{id:guid}/approve", Approve).WithName("AdminApproveCreator").WithSummary("Approve: the applicant gets the creator role and tier");
        admin.MapPost("/{id:guid}/reject", Reject).WithName("AdminRejectCreator").WithSummary("Reject with a reason the applicant sees");
        return app;
    }

    private static async Task<Results<Created<CreatorApplicationResponse>, ValidationProblem, ProblemHttpResult>> Apply(
        CreatorApplicationRequest request, ClaimsPrincipal caller, ApplyAsCreator apply, CancellationToken cancellationToken) =>
        (await apply.HandleAsync(caller.UserId(), request, cancellationToken)).Answer(a => TypedResults.Created("/api/v1/creator/application", a));

    private static async Task<Results<Ok<CreatorApplicationResponse>, ProblemHttpResult>> Read(
        ClaimsPrincipal caller, ReadCreatorApplication read, CancellationToken cancellationToken) =>
        (await read.HandleAsync(caller.UserId(), cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<Ok<Page<CreatorApplicationLine>>, ValidationProblem>> List(
        CreatorRole role, string? status, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        status ??= CreatorApplicationStatus.Pending;
        if (status is not (CreatorApplicationStatus.Pending or CreatorApplicationStatus.Approved or CreatorApplicationStatus.Rejected or "all"))
        {
            return Platform.Errors.ApiProblem.Validation("status", "One of: pending, approved, rejected, all.");
        }

        return TypedResults.Ok(await role.ListAsync(status, page, cancellationToken));
    }

    private static async Task<Results<Ok<CreatorApplicationResponse>, ValidationProblem, ProblemHttpResult>> Approve(
        Guid id, ClaimsPrincipal caller, CreatorRole role, CancellationToken cancellationToken) =>
        (await role.ApproveAsync(id, caller.UserId(), cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<Ok<CreatorApplicationResponse>, ValidationProblem, ProblemHttpResult>> Reject(
        Guid id, RejectCreatorRequest request, ClaimsPrincipal caller, CreatorRole role, CancellationToken cancellationToken) =>
        (await role.RejectAsync(id, caller.UserId(), request, cancellationToken)).Answer(TypedResults.Ok);
}
