using System.Security.Claims;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Tokens;
using Spotlight.Platform;
using Spotlight.Platform.Jobs;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;
using Spotlight.Realtime.Live;
using Spotlight.Realtime.Presence;

namespace Spotlight.Realtime;

/// <summary>
/// The transport (API.md, Realtime): the SignalR hub, presence, and the fan-out of signals across nodes. It knows no
/// feature: features send through <see cref="IRealtimeSender"/> (or their own signals, an <see cref="ISignalDelivery"/> and
/// <see cref="IRealtimeLocalSender"/>),
/// carry out the hub's conversation methods (<see cref="IConversationCommands"/>) and say who sees presence
/// (<see cref="IPresenceAudience"/>).
/// </summary>
public static class RealtimeModule
{
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<RealtimeOptions>(RealtimeOptions.Section)
            .Validate(o => o.InvocationsPerSecond >= 1 && o.HeartbeatSeconds > 0 && o.NodeExpirySeconds >= 2 * o.HeartbeatSeconds
                && o.LiveCoalesceMilliseconds is >= 0 and <= 1000,
                "Realtime: InvocationsPerSecond must be at least 1, NodeExpirySeconds at least twice HeartbeatSeconds, LiveCoalesceMilliseconds 0 to 1000.")
            .ServedAsValue();
        var options = builder.Configuration.ReadSettings<RealtimeOptions>(RealtimeOptions.Section); // SignalR's limits below
        services.AddSingleton<RealtimeNode>();
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<LocalConnections>();
        services.AddSingleton<SignalBodies>();
        services.AddSingleton<SignalDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<SignalDispatcher>());
        services.AddSingleton<RealtimeFeed>();
        services.AddSingleton<ListenerState>();

        var database = builder.Configuration.ReadSettings<DatabaseOptions>(DatabaseOptions.Section);
        if (database.IsPostgres)
        {
            services.AddSingleton<PostgresSignalTransport>();
            services.AddSingleton<ISignalTransport>(sp => sp.GetRequiredService<PostgresSignalTransport>());
            services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<PostgresSignalTransport>());
            services.AddSingleton<NotifyPublisher>();
            services.AddHostedService(sp => sp.GetRequiredService<NotifyPublisher>());
            services.AddHostedService<PostgresSignalListener>();
            services.AddHealthChecks().AddCheck<ListenerHealthCheck>("realtime_listener", tags: ["ready"]);
        }
        else
        {
            services.AddSingleton<InProcessSignalTransport>();
            services.AddSingleton<ISignalTransport>(sp => sp.GetRequiredService<InProcessSignalTransport>());
            services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<InProcessSignalTransport>());
        }

        services.AddSingleton<IRealtimeSender, RealtimeSender>();
        services.AddSingleton<RealtimeLocalSender>();
        services.AddSingleton<IRealtimeLocalSender>(sp => sp.GetRequiredService<RealtimeLocalSender>());
        services.AddSingleton<ISignalDelivery>(sp => new EnvelopeDelivery(sp.GetRequiredService<RealtimeLocalSender>(), SignalKinds.Event, TimeSpan.Zero));
        services.AddSingleton<ISignalDelivery>(sp => new EnvelopeDelivery(sp.GetRequiredService<RealtimeLocalSender>(), SignalKinds.Live,
            TimeSpan.FromMilliseconds(options.LiveCoalesceMilliseconds)));
        services.AddSingleton<ISignalDelivery, PresenceDelivery>();
        services.AddSingleton<ISignalDelivery, SessionStateDelivery>();
        services.AddSingleton<ISignalDelivery, LiveRemovalDelivery>();
        services.AddSingleton<ISessionStateListener, SessionStateSignals>();
        services.AddScoped<PresenceTracker>();
        services.AddScoped<IPresence>(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddScoped<PresenceAudiences>();
        services.AddScoped<GetPresence>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddHostedService<SessionWatch>();
        services.AddSingleton<IUserEventsListener, BanListener>();
        services.AddSingleton<LiveRooms>();
        services.AddSingleton<LiveBroadcast>();
        services.TryAddSingleton<ILiveAccess, PublicLives>();
        services.TryAddSingleton<ILiveViewers, UncountedLiveViewers>();
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<HubInvocationLimits>();
        services.AddJob<RealtimeEventsCleanupJob>(every: TimeSpan.FromMinutes(5));

        services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = options.MaximumReceiveMessageSize;
                o.HandshakeTimeout = TimeSpan.FromSeconds(options.HandshakeTimeoutSeconds);
                o.KeepAliveInterval = TimeSpan.FromSeconds(options.KeepAliveSeconds);
                o.ClientTimeoutInterval = TimeSpan.FromSeconds(options.ClientTimeoutSeconds);
                o.MaximumParallelInvocationsPerClient = 1;
                o.EnableDetailedErrors = false;
                o.DisableImplicitFromServicesParameters = true;
                o.AddFilter<HubInvocationLimits>();
            })
            .AddJsonProtocol();
        return builder;
    }

    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<RealtimeOptions>();
        app.MapHub<RealtimeHub>(RealtimeHub.Path, o =>
            {
                // SignalR closes a connection when its access token expires; clients reconnect with a fresh one.
                o.CloseOnAuthenticationExpiration = true;
                o.ApplicationMaxBufferSize = options.MaximumReceiveMessageSize;
                o.TransportMaxBufferSize = 64 * 1024;
                o.TransportSendTimeout = TimeSpan.FromSeconds(10);
            })
            // A connection is meant to stay open: the platform's request timeout does not apply.
            .DisableRequestTimeout();
        app.MapGet("/api/v1/users/{id:guid}/presence", PresenceApi.Get).RequireAuthorization().WithTags("Realtime")
            .WithName("GetPresence").WithSummary("Whether a user is online and when they were last seen (for the user, followers and conversation partners)");
        return app;
    }
}

/// <summary>SignalR's user id is the token's <c>sub</c> (inbound claims are not mapped to .NET's long claim names).</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirstValue("sub");
}

/// <summary>A node that cannot hear the others' signals would leave its users without messages: not ready.</summary>
internal sealed class ListenerHealthCheck(ListenerState state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await state.WaitUntilListeningAsync(TimeSpan.FromSeconds(2), cancellationToken)
            ? HealthCheckResult.Healthy("Listening for other nodes' signals.")
            : HealthCheckResult.Unhealthy("Not listening for other nodes' signals (reconnecting to PostgreSQL).");
}

/// <summary>Deletes <c>realtime_events</c> rows older than <see cref="RealtimeOptions.EventRetentionMinutes"/>.</summary>
internal sealed class RealtimeEventsCleanupJob(SpotlightDb db, RealtimeOptions options, TimeProvider time) : IJobHandler
{
    public string Type => "realtime-events-cleanup";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddMinutes(-options.EventRetentionMinutes);
        await db.Set<RealtimeEvent>().Where(e => e.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
