using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Live.Lives;
using Spotlight.Platform;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;

namespace Spotlight.Live.Battles;

/// <summary>Registers and maps PK battles (API.md, Live); called by <see cref="LiveModule"/>.</summary>
internal static class BattlesFeature
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<PkOptions>(PkOptions.Section).ValidateWith(PkOptions.Problems);
        var sweep = configuration.ReadSettings<PkOptions>(PkOptions.Section).SweepIntervalSeconds;
        services.AddScoped<InvitePk>();
        services.AddScoped<AcceptPk>();
        services.AddScoped<DeclinePk>();
        services.AddScoped<ReadPk>();
        services.AddScoped<ListPkHistory>();
        services.AddScoped<PkGuests>();
        services.AddScoped<PkReferee>();
        services.AddJob<PkSweepJob>(every: TimeSpan.FromSeconds(Math.Max(1, sweep)));
        services.AddSingleton<PkScoreCoalescer>();
        services.AddEventHandler<GiftSent, GiftScoresPk>();
        services.AddEventHandler<LiveEnded, LiveEndedForfeitsPk>();
        services.AddEventHandler<PkEnded, PkEndedBroadcaster>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/live/{id:guid}/pk", Invite).RequireAuthorization().WithName("InvitePk")
            .WithSummary("The creator of this live invites another live on now to a PK battle (60–900 s); the invitation lapses after 30 s");
        api.MapPost("/pk/{id:guid}/accept", Accept).RequireAuthorization().WithName("AcceptPk")
            .WithSummary("The invited live's creator accepts: the battle is active from now, with a token to publish in the other room");
        api.MapPost("/pk/{id:guid}/decline", Decline).RequireAuthorization().WithName("DeclinePk")
            .WithSummary("The invited live's creator declines the invitation");
        api.MapGet("/pk/{id:guid}", Get).RequireAuthorization().WithName("GetPk")
            .WithSummary("A battle with both sides' scores, for its creators and whoever may watch either live");
        api.MapGet("/pk", History).RequireAuthorization().WithName("ListPkHistory")
            .WithSummary("A creator's battles on either side (creatorId), newest first");
    }

    private static async Task<Results<Created<PkBattleResponse>, ProblemHttpResult>> Invite(
        Guid id, InvitePkRequest request, ClaimsPrincipal caller, InvitePk handler, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), id, request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/v1/pk/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<PkBattleResponse>, ProblemHttpResult>> Accept(Guid id, ClaimsPrincipal caller, AcceptPk handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    private static async Task<Results<Ok<PkBattleResponse>, ProblemHttpResult>> Decline(Guid id, ClaimsPrincipal caller, DeclinePk handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    private static async Task<Results<Ok<PkBattleResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, ReadPk handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    private static async Task<Results<Ok<Page<PkBattleResponse>>, ValidationProblem, ProblemHttpResult>> History(
        Guid? creatorId, int? limit, string? cursor, ClaimsPrincipal caller, ListPkHistory handler, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        if (creatorId is not { } creator)
        {
            return new FieldErrors().Add("creatorId", "Whose battles to list.").ToProblem();
        }

        var outcome = await handler.HandleAsync(caller.UserId(), creator, page, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value);
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value);
}
