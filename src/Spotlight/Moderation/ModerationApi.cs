using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Identity;
using Spotlight.Moderation.Queue;
using Spotlight.Moderation.Reports;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Moderation;

/// <summary>The HTTP side of moderation: thin adapters over <see cref="FileReport"/>, <see cref="ModerationQueue"/> and <see cref="ResolveCase"/>.</summary>
internal static class ModerationApi
{
    /// <summary>201 with a new report; 200 with the reporter's first report of this target while it is open.</summary>
    public static async Task<Results<Created<ReportResponse>, Ok<ReportResponse>, ProblemHttpResult>> File(
        FileReportRequest request, ClaimsPrincipal caller, FileReport reports, CancellationToken cancellationToken)
    {
        var outcome = await reports.HandleAsync(caller.UserId(), request, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var filed = outcome.Value!;
        return filed.Existing ? TypedResults.Ok(filed.Report) : TypedResults.Created($"/api/v1/reports/{filed.Report.Id}", filed.Report);
    }

    public static async Task<Results<Ok<Page<ReportCaseResponse>>, ProblemHttpResult>> List(
        ModerationQueue queue, string? status, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var page = await queue.PageAsync(status, limit, cursor, cancellationToken);
        return page.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(page.Value!);
    }

    public static async Task<Results<Ok<ReportCaseResponse>, ProblemHttpResult>> Get(Guid id, ModerationQueue queue, CancellationToken cancellationToken) =>
        await queue.FindAsync(id, cancellationToken) is { } found ? TypedResults.Ok(found) : ApiProblem.NotFound("No report case has this id.");

    public static async Task<Results<Ok<ReportCaseResponse>, ProblemHttpResult>> Resolve(
        Guid id, ResolveRequest request, ClaimsPrincipal caller, ResolveCase resolve, ModerationQueue queue, CancellationToken cancellationToken)
    {
        var outcome = await resolve.HandleAsync(Moderator(caller), id, request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok((await queue.FindAsync(id, cancellationToken))!);
    }

    public static async Task<Results<Ok<BulkResolveResponse>, ProblemHttpResult>> ResolveMany(
        BulkResolveRequest request, ClaimsPrincipal caller, ResolveCase resolve, CancellationToken cancellationToken)
    {
        var outcome = await resolve.HandleAsync(Moderator(caller), request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static Moderator Moderator(ClaimsPrincipal caller) => new(caller.UserId(), caller.IsInRole(Role.Admin));
}
