using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Console;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Platform.Jobs;
using Spotlight.Platform.Observability;
using Spotlight.Platform.RateLimiting;
using Spotlight.Platform.Security;

namespace Spotlight.Platform;

/// <summary>The cross-cutting layer every feature stands on. Program.cs calls these three and nothing else of it.</summary>
public static class PlatformServiceCollectionExtensions
{
    public const long DefaultBodyLimit = 1024 * 1024;

    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        OwnerOnlyFiles.Apply(); // before anything below writes a file
        var services = builder.Services;
        var configuration = builder.Configuration;
        var dataDirectory = DataDirectory.Resolve(configuration);
        var database = configuration.ReadSettings<DatabaseOptions>(DatabaseOptions.Section); // which provider: decides what is registered
        services.AddSingleton(dataDirectory);
        services.AddSingleton(PlatformSecrets.Load(configuration, builder.Environment, dataDirectory, database.IsPostgres));
        services.TryAddSingletonTimeProvider();
        services.AddHttpContextAccessor();

        // Logs: JSON lines in Production, readable text elsewhere; scopes carry the request id.
        builder.Logging.ClearProviders();
        // One request id per line (ours, see RequestIdMiddleware): no trace/span ids, and no hosting scope with the
        // server's own connection-based request id beside it.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (builder.Environment.IsProduction() || configuration["Logging:Format"] == "json")
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });

            // The same formatter, written in batches by one writer instead of a flush per line (JsonLinesLoggerProvider).
            foreach (var console in services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
            {
                services.Remove(console);
            }

            services.AddSingleton<ILoggerProvider, JsonLinesLoggerProvider>();
        }

        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        // Errors: problem details everywhere, unknown JSON members refused, the framework's bad requests thrown to our handler.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // The web defaults read "0010" or "+1" as numbers; money and counts are JSON integers, nothing else.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = configuration.GetValue("Spotlight:MaxRequestBodyBytes", DefaultBodyLimit));

        // Observability.
        services.AddMetrics();
        services.AddSingleton<PlatformMetrics>();
        services.AddSingleton<PrometheusExporter>();
        services.AddSettings<MetricsOptions>(MetricsOptions.Section).ValidateWith(MetricsOptions.Problems);
        services.AddSpotlightHealthChecks();
        services.AddSpotlightTracing(configuration);
        services.AddOpenApi(OpenApiDocumentation.Configure);
        ApiDocumentationOptions.Register(services);

        // Security: CORS only for listed origins, request timeouts, graceful drain on SIGTERM.
        // The allowed origins are read per request (IAllowedOrigins), so a source that changes at run time needs no restart.
        services.AddTrustedProxies();
        services.AddCors();
        services.AddSingleton<IAllowedOrigins, ConfiguredAllowedOrigins>();
        services.AddSingleton<Microsoft.AspNetCore.Cors.Infrastructure.ICorsPolicyProvider, AllowedOriginsPolicyProvider>();
        services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(configuration.GetValue("Spotlight:RequestTimeoutSeconds", 30)) });
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(configuration.GetValue("Spotlight:ShutdownTimeoutSeconds", 30)));
        if (builder.Environment.IsProduction())
        {
            services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        }

        var keyRing = services.AddDataProtection().SetApplicationName("Spotlight");
        if (!database.IsPostgres)
        {
            keyRing.PersistKeysToFileSystem(new DirectoryInfo(dataDirectory.Combine("keys")));
        }

        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            // Several nodes share one key ring in the database; every key is encrypted with Secrets:EncryptionKey.
            if (database.IsPostgres)
            {
                o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<IServiceScopeFactory>());
            }

            o.XmlEncryptor = new KeyRingEncryptor(sp.GetRequiredService<SecretProtector>());
        }));

        // Rate limits, idempotency, audit, jobs.
        // Tiers and the anonymous limit can change at run time (the console's stored settings): read through IOptionsMonitor.
        services.AddSettings<RateLimitOptions>(RateLimitOptions.Section).ValidateWith(RateLimitOptions.Problems);
        services.AddSingleton<IRateLimitTiers, ConfiguredRateLimitTiers>();
        var store = configuration.ReadSettings<RateLimitOptions>(RateLimitOptions.Section).Store ?? (database.IsPostgres ? "postgres" : "memory");
        if (string.Equals(store, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IRateLimitStore, PostgresRateLimitStore>();
        }
        else
        {
            services.AddSingleton<IRateLimitStore, MemoryRateLimitStore>();
        }

        services.AddSingleton<RateLimits>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<IFaultInjector, NoFaults>();
        services.AddSingleton<ICliCommand, MigrateCommand>();
        services.AddSingleton<ICliCommand, BackupCommand>();
        services.AddScoped<IdempotencyContext>();
        services.AddSingleton<AuditLog>();
        services.AddSettings<JobOptions>(JobOptions.Section)
            .Validate(o => o.PollIntervalSeconds > 0 && o.LeaseSeconds > 0, "Jobs:PollIntervalSeconds and Jobs:LeaseSeconds must be above 0.");
        services.AddSingleton<JobQueue>();
        services.AddHostedService<JobRunner>();
        services.AddJob<PlatformCleanupJob>(every: TimeSpan.FromHours(1));

        // Domain events through the transactional outbox.
        services.AddSettings<OutboxOptions>(OutboxOptions.Section)
            .Validate(o => o.MaxAttempts >= 1 && o.BatchSize >= 1 && o.PollIntervalSeconds > 0 && o.LeaseSeconds > 0,
                "Outbox:MaxAttempts and Outbox:BatchSize must be at least 1, Outbox:PollIntervalSeconds and Outbox:LeaseSeconds above 0.");
        if (!services.Any(d => d.ServiceType == typeof(EventHandlerRegistry)))
        {
            services.AddSingleton(new EventHandlerRegistry());
        }

        services.AddSingleton<DomainEvents>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IInterceptor, OutboxSaveInterceptor>();
        services.AddHostedService<OutboxRelay>();
        return builder;
    }

    /// <summary>Registers a job handler (its <see cref="IJobHandler.Type"/> names the jobs it runs), optionally on a schedule.</summary>
    public static IServiceCollection AddJob<THandler>(this IServiceCollection services, TimeSpan? every = null) where THandler : class, IJobHandler
    {
        services.AddScoped<THandler>();
        services.AddSingleton<IJobHandler>(sp => new ScopedJobHandler<THandler>(sp.GetRequiredService<IServiceScopeFactory>()));
        if (every is { } interval)
        {
            services.AddSingleton(sp => new RecurringJob(sp.GetServices<IJobHandler>().OfType<ScopedJobHandler<THandler>>().First().Type, interval));
        }

        return services;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>The request pipeline, in order. See docs/architecture.md.</summary>
    public static WebApplication UsePlatform(this WebApplication app)
    {
        // Start listening to the meters now, not at the first scrape: measurements made before it would be lost.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.UseForwardedHeaders(); // first: everything after sees the client's address, not the proxy's
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (app.Environment.IsProduction())
        {
            app.UseHsts();
        }

        app.UseRouting();
        app.UseMiddleware<RequestBodyLimitMiddleware>(app.Configuration.GetValue("Spotlight:MaxRequestBodyBytes", DefaultBodyLimit)); // after routing: an endpoint may raise its limit
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseAuthorization();
        app.UseRequestTimeouts();
        app.UseMiddleware<IdempotencyBufferingMiddleware>();
        return app;
    }

    public static WebApplication MapPlatform(this WebApplication app)
    {
        app.MapHealth();
        app.MapMetrics();
        var documentation = app.Services.GetRequiredService<IOptions<ApiDocumentationOptions>>().Value;
        if (documentation.OpenApiDocument)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
        }

        if (documentation.Docs == true)
        {
            // Only requests for the docs go through the docs UI's static-file middleware.
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/docs"), docs => docs.UseSwaggerUI(o =>
            {
                o.RoutePrefix = "docs";
                o.SwaggerEndpoint("/openapi/v1.json", "Spotlight API v1");
                o.DocumentTitle = "Spotlight API";
            }));
        }

        return app;
    }

    /// <summary>Runs each job in a scope of its own; the handler's type name is read once from a first instance.</summary>
    private sealed class ScopedJobHandler<THandler>(IServiceScopeFactory scopes) : IJobHandler where THandler : class, IJobHandler
    {
        private string? _type;

        public string Type
        {
            get
            {
                if (_type is null)
                {
                    using var scope = scopes.CreateScope();
                    _type = scope.ServiceProvider.GetRequiredService<THandler>().Type;
                }

                return _type;
            }
        }

        public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<THandler>().RunAsync(run, cancellationToken);
        }
    }
}
