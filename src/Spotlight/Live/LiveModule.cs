using Spotlight.Identity.Account;
using Spotlight.Platform.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Live.LiveKit;
using Spotlight.Live.Lives;
using Spotlight.Platform;

namespace Spotlight.Live;

/// <summary>Live video on LiveKit: lives (start, watch, end), tokens, LiveKit's webhooks, room control (API.md, Live).</summary>
public static class LiveModule
{
    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Read live (IOptionsMonitor): the console's livekit section applies without a restart. Validated where read
        // (LiveKitSettings): an unconfigured or invalid LiveKit makes live endpoints answer 503, never stops the server.
        services.AddOptions<LiveKitOptions>().Bind(builder.Configuration.GetSection(LiveKitOptions.Section));
        services.AddSingleton<LiveKitSettings>();
        services.AddSingleton<LiveKitTokens>();
        // The resilience pipeline bounds each call (LiveKit:RoomServiceTimeout), so the client itself never times out first.
        services.AddHttpClient<LiveKitRoomService>(c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.AddScoped<ReceiveLiveKitWebhook>();
        services.AddPersonalData<LivePersonalData>();
        services.AddJob<LiveKitWebhookCleanupJob>(every: TimeSpan.FromHours(1));
        LivesFeature.Add(services, builder.Configuration);
        Leaderboards.LeaderboardsFeature.Add(services, builder.Configuration);
        Battles.BattlesFeature.Add(services, builder.Configuration);
        return builder;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Live");
        api.MapPost("/livekit/webhooks", ReceiveWebhook).AllowAnonymous().RequireWebhookRateLimit().WithName("LiveKitWebhook")
            .WithSummary("LiveKit's signed event (room_started, room_finished, participant_joined/left/connection_aborted, track_published); each event id is acted on once");
        LivesFeature.Map(api);
        Leaderboards.LeaderboardsFeature.Map(api);
        Battles.BattlesFeature.Map(api);
        return app;
    }

    private static async Task<Results<Ok<LiveKitWebhookReceipt>, ProblemHttpResult>> ReceiveWebhook(
        HttpRequest request, ReceiveLiveKitWebhook handler, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        // LiveKit sends the token in Authorization; its JS SDK names the header Authorize, accepted too.
        var authorization = request.Headers.Authorization.ToString() is { Length: > 0 } sent ? sent : request.Headers["Authorize"].ToString();
        var outcome = await handler.HandleAsync(request.ContentType, authorization, buffer.ToArray(), cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value);
    }
}
