using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Platform;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Identity.Account;

/// <summary>Account export and deletion (GDPR; API.md, Account): <c>/api/v1/me</c> for the user, <c>/api/v1/admin/users/{id}</c> for admins.</summary>
public static class AccountFeature
{
    public static IServiceCollection AddAccountData(this IServiceCollection services)
    {
        services.AddSingleton<ExportLinks>();
        services.AddSingleton<AccountExportFiles>();
        services.AddScoped<AccountLockout>();
        services.AddScoped<AccountDeletion>();
        services.AddScoped<DeleteAccount>();
        services.AddScoped<AdminDeleteAccount>();
        services.AddScoped<RequestExport>();
        services.AddScoped<ReadExport>();
        services.AddScoped<DownloadExport>();
        services.AddJob<AccountExportJob>();
        services.AddJob<AccountExportSweepJob>(every: TimeSpan.FromHours(1));
        services.AddPersonalData<IdentityPersonalData>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccountData(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Account");
        me.MapDelete("/", Delete).RequireAuthorization().WithName("DeleteMe")
            .WithSummary("Delete the caller's account (password, and totpCode when 2FA is on): sessions end at once, the account is anonymized and its data erased");
        me.MapPost("/export", RequestExport).RequireAuthorization().WithName("RequestExport")
            .WithSummary("Ask for a copy of the caller's data (a ZIP made in the background; once a day)");
        me.MapGet("/exports/{id:guid}", ReadExport).RequireAuthorization().WithName("GetExport")
            .WithSummary("An export's status, with a signed download link (works once) when ready");
        me.MapGet("/exports/{id:guid}/download", Download).AllowAnonymous().WithName("DownloadExport")
            .WithSummary("Download an export's ZIP through its signed link (once, until it expires)");

        var admin = app.MapAdminGroup().MapGroup("/users");
        admin.MapDelete("/{id:guid}", AdminDelete).WithName("AdminDeleteUser")
            .WithSummary("Delete an account (anonymized, its data erased, its sessions ended); audit-logged");
        admin.MapPost("/{id:guid}/export", AdminExport).WithName("AdminExportUser")
            .WithSummary("Make an export of an account's data for the user; audit-logged");
        return app;
    }

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> Delete(
        [FromBody] DeleteAccountRequest request, ClaimsPrincipal caller, DeleteAccount delete, HttpContext http) =>
        Accepted(await delete.HandleAsync(caller.UserId(), request, http.RequestAborted), http);

    private static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> AdminDelete(
        Guid id, ClaimsPrincipal caller, AdminDeleteAccount delete, HttpContext http) =>
        Accepted(await delete.HandleAsync(caller.UserId(), id, http.RequestAborted), http);

    private static Results<Accepted, ValidationProblem, ProblemHttpResult> Accepted(Refusal? refusal, HttpContext http) =>
        refusal is null ? TypedResults.Accepted((string?)null)
            : refusal.ToValidationProblem(refusal.Detail) is { } invalid ? invalid : IdentityHttp.Problem(refusal, http);

    private static async Task<Results<Accepted<AccountExportResponse>, ProblemHttpResult>> RequestExport(
        ClaimsPrincipal caller, RequestExport request, CancellationToken cancellationToken) =>
        (await request.HandleAsync(caller.UserId(), byAdmin: false, cancellationToken)).AnswerOrProblem(Created);

    private static async Task<Results<Accepted<AccountExportResponse>, ProblemHttpResult>> AdminExport(
        Guid id, RequestExport request, CancellationToken cancellationToken) =>
        (await request.HandleAsync(id, byAdmin: true, cancellationToken)).AnswerOrProblem(Created);

    private static Accepted<AccountExportResponse> Created(AccountExportResponse export) => TypedResults.Accepted($"/api/v1/me/exports/{export.Id}", export);

    private static async Task<Results<Ok<AccountExportResponse>, ProblemHttpResult>> ReadExport(
        Guid id, ClaimsPrincipal caller, ReadExport read, CancellationToken cancellationToken) =>
        (await read.HandleAsync(caller.UserId(), id, cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid id, long? expires, string? signature, DownloadExport download, HttpContext http)
    {
        var outcome = await download.HandleAsync(id, expires, signature, http.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(outcome.Value!, "application/zip", $"spotlight-export-{id:N}.zip");
    }
}
