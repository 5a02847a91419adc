using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Administration;

/// <summary>Administration of accounts (<c>/api/v1/admin/users</c>). Every change is audit-logged and ends the user's tokens.</summary>
public static class AdminUsersFeature
{
    public static IServiceCollection AddAdminUsers(this IServiceCollection services) => services
        .AddScoped<SearchUsers>().AddScoped<GetAdminUser>().AddScoped<BanUser>().AddScoped<UnbanUser>().AddScoped<SetUserRoles>()
        .AddScoped<SetUserTier>().AddScoped<RevokeUserSessions>().AddScoped<ResetUserTwoFactor>();

    public static RouteGroupBuilder MapAdminUsers(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users").WithTags("Admin");
        users.MapGet("/", Search).WithName("AdminSearchUsers").WithSummary("Search accounts by email or handle");
        users.MapGet("/{id:guid}", Get).WithName("AdminGetUser").WithSummary("One account");
        users.MapPost("/{id:guid}/ban", Ban).WithName("AdminBanUser")
            .WithSummary("Ban an account (with days: suspend it until then): its sessions end and its tokens stop working");
        users.MapPost("/{id:guid}/unban", Unban).WithName("AdminUnbanUser").WithSummary("Lift a ban");
        users.MapPut("/{id:guid}/roles", SetRoles).WithName("AdminSetRoles").WithSummary("Replace an account's roles");
        users.MapPut("/{id:guid}/tier", SetTier).WithName("AdminSetTier").WithSummary("Set an account's tier");
        users.MapDelete("/{id:guid}/sessions", RevokeSessions).WithName("AdminRevokeSessions").WithSummary("End every session of an account");
        users.MapPost("/{id:guid}/2fa/reset", ResetTwoFactor).WithName("AdminResetTwoFactor").WithSummary("Turn off an account's two-factor authentication");
        return users;
    }

    private static async Task<Results<Ok<Page<AdminUserResponse>>, ValidationProblem>> Search(
        SearchUsers search, string? query, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await search.HandleAsync(query, page, cancellationToken));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> Get(Guid id, GetAdminUser get, CancellationToken cancellationToken) =>
        (await get.HandleAsync(id, cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> Ban(
        Guid id, BanRequest request, ClaimsPrincipal caller, BanUser ban, CancellationToken cancellationToken) =>
        (await ban.HandleAsync(caller.UserId(), id, request, cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> Unban(Guid id, UnbanUser unban, CancellationToken cancellationToken) =>
        (await unban.HandleAsync(id, cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> SetRoles(
        Guid id, SetRolesRequest request, ClaimsPrincipal caller, SetUserRoles setRoles, CancellationToken cancellationToken) =>
        (await setRoles.HandleAsync(caller.UserId(), id, request, cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> SetTier(
        Guid id, SetTierRequest request, SetUserTier setTier, CancellationToken cancellationToken) =>
        (await setTier.HandleAsync(id, request, cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessions(Guid id, RevokeUserSessions revoke, CancellationToken cancellationToken) =>
        await revoke.HandleAsync(id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetTwoFactor(Guid id, ResetUserTwoFactor reset, CancellationToken cancellationToken) =>
        await reset.HandleAsync(id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
}
