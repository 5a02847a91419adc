using Spotlight.Identity.Account;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Spotlight.Live.LiveKit;
using Spotlight.Moderation.Reports;
using Spotlight.Platform;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Matching;

/// <summary>Random 1:1 video matching (API.md, Matching): a queue, a matcher safe on every node, rooms of two on LiveKit.</summary>
public static class MatchingModule
{
    /// <summary>The rate-limit policy on joining the queue (<c>POST /queue</c>, <c>POST /{matchId}/next</c>), counted per user.</summary>
    public const string JoinPolicy = "match-queue";

    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<MatchingOptions>(MatchingOptions.Section).ValidateWith(MatchingOptions.Problems).ServedAsValue();
        var options = builder.Configuration.ReadSettings<MatchingOptions>(MatchingOptions.Section);
        // 30 joins a minute per user unless RateLimiting:Policies:match-queue says otherwise: enough for a person pressing
        // "next" every two seconds, not for a script churning the queue.
        services.PostConfigure<RateLimitOptions>(o => o.Policies.TryAdd(JoinPolicy, new RateLimitPolicy { Limit = 30, WindowSeconds = 60 }));
        services.AddScoped<MatchQueue>();
        services.AddPersonalData<MatchingPersonalData>();
        services.AddScoped<JoinQueue>();
        services.AddScoped<LeaveQueue>();
        services.AddScoped<NextMatch>();
        services.AddScoped<ReportMatch>();
        services.AddScoped<MatchEnding>();
        services.AddScoped<MatchAnnouncer>();
        services.AddScoped<Matchmaker>();
        services.AddSingleton<MatchmakerLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<MatchmakerLoop>());
        services.AddJob<MatchSweepJob>(every: TimeSpan.FromSeconds(options.SweepSeconds));
        services.AddScoped<Realtime.Presence.IUserOfflineListener, LeaveQueueWhenOffline>();
        services.AddEventHandler<LiveKitRoomFinished, RoomFinishedEndsMatch>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMatching(this IEndpointRouteBuilder app)
    {
        var match = app.MapGroup("/api/v1/match").RequireAuthorization().WithTags("Matching");
        match.MapPost("/queue", Join).WithName("JoinMatchQueue")
            .WithSummary("Wait for a random partner (languages overlap and region equal when both give them); `matched` comes on the hub");
        match.MapDelete("/queue", Leave).WithName("LeaveMatchQueue").WithSummary("Stop waiting (also when not waiting)");
        match.MapPost("/{matchId:guid}/next", Next).WithName("NextMatch")
            .WithSummary("End this match and wait for another partner with the same filters (its two members only)");
        match.MapPost("/{matchId:guid}/report", Report).WithName("ReportMatch")
            .WithSummary("Report the partner (a user report) and end the match (its two members only)");
        return app;
    }

    private static Task<Results<Accepted<QueueResponse>, ProblemHttpResult>> Join(
        JoinQueueRequest request, ClaimsPrincipal caller, HttpContext http, RateLimits limiter, JoinQueue handler, CancellationToken cancellationToken) =>
        QueueAsync(caller, http, limiter, id => handler.HandleAsync(id, request, cancellationToken), cancellationToken);

    private static async Task<NoContent> Leave(ClaimsPrincipal caller, LeaveQueue handler, CancellationToken cancellationToken)
    {
        await handler.HandleAsync(caller.UserId(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<Results<Accepted<QueueResponse>, ProblemHttpResult>> Next(
        Guid matchId, ClaimsPrincipal caller, HttpContext http, RateLimits limiter, NextMatch handler, CancellationToken cancellationToken) =>
        QueueAsync(caller, http, limiter, id => handler.HandleAsync(id, matchId, cancellationToken), cancellationToken);

    /// <summary>Joining the queue, directly or by <c>next</c>: counted under <see cref="JoinPolicy"/>, 202 with the entry.</summary>
    private static async Task<Results<Accepted<QueueResponse>, ProblemHttpResult>> QueueAsync(
        ClaimsPrincipal caller, HttpContext http, RateLimits limiter, Func<Guid, Task<Platform.Errors.Outcome<QueueResponse>>> handle, CancellationToken cancellationToken)
    {
        if (await Throttle(caller, http, limiter, cancellationToken) is { } throttled)
        {
            return throttled;
        }

        var outcome = await handle(caller.UserId());
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Accepted("/api/v1/match/queue", outcome.Value);
    }

    /// <summary>201 with a new report; 200 with the caller's first report of this partner while it is open (as <c>POST /reports</c>).</summary>
    private static async Task<Results<Created<ReportResponse>, Ok<ReportResponse>, ProblemHttpResult>> Report(
        Guid matchId, ReportMatchRequest? request, ClaimsPrincipal caller, ReportMatch handler, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), matchId, request ?? new ReportMatchRequest(null, null), cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var filed = outcome.Value!;
        return filed.Existing ? TypedResults.Ok(filed.Report) : TypedResults.Created($"/api/v1/reports/{filed.Report.Id}", filed.Report);
    }

    /// <summary>
    /// The <see cref="JoinPolicy"/> per user (the middleware counts named policies per IP; a queue is a user's): 429
    /// <c>rate_limited</c> with <c>Retry-After</c> over it, its X-RateLimit headers otherwise.
    /// </summary>
    private static async Task<ProblemHttpResult?> Throttle(ClaimsPrincipal caller, HttpContext http, RateLimits limiter, CancellationToken cancellationToken)
    {
        if (!limiter.Options.Enabled)
        {
            return null;
        }

        var decision = await limiter.HitPolicyAsync(JoinPolicy, "u:" + caller.UserId(), cancellationToken);
        if (!decision.Allowed)
        {
            return limiter.Reject(http, decision, JoinPolicy);
        }

        RateLimits.WriteHeaders(http, decision); // the tighter of the two limits, as the middleware shows a policy's
        return null;
    }
}
