using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Jobs;
using Spotlight.Platform.Observability;
using Spotlight.Platform.RateLimiting;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>
/// Settings are bound as options and checked when the server starts (<see cref="Settings"/>): a refused value stops
/// start-up with a message naming the setting, as a <see cref="StartupRefusedException"/> (exit code 78, no stack trace).
/// </summary>
public sealed class SettingsValidationTests
{
    [Fact]
    public void A_refused_option_becomes_a_startup_refusal_with_every_failure_naming_its_setting()
    {
        using var services = Services(new() { ["Jobs:PollIntervalSeconds"] = "0", ["Database:Provider"] = "mysql" }, s =>
        {
            s.AddSettings<JobOptions>(JobOptions.Section).Validate(o => o.PollIntervalSeconds > 0, "Jobs:PollIntervalSeconds must be above 0.");
            s.AddSettings<DatabaseOptions>(DatabaseOptions.Section).ValidateWith(DatabaseOptions.Problems);
        });

        var refused = Assert.Throws<StartupRefusedException>(services.RefuseInvalidSettings);

        Assert.Contains("Jobs:PollIntervalSeconds must be above 0.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Database:Provider must be 'sqlite' or 'postgres', not 'mysql'.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_settings_pass_and_are_read_through_ioptions()
    {
        using var services = Services(new() { ["Database:Provider"] = "PostgreSQL", ["Metrics:AllowedNetworks:0"] = "10.0.0.0/8" }, s =>
        {
            s.AddSettings<DatabaseOptions>(DatabaseOptions.Section).ValidateWith(DatabaseOptions.Problems).ServedAsValue();
            s.AddSettings<MetricsOptions>(MetricsOptions.Section).ValidateWith(MetricsOptions.Problems);
        });

        services.RefuseInvalidSettings();

        Assert.True(services.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres);
        Assert.Same(services.GetRequiredService<IOptions<DatabaseOptions>>().Value, services.GetRequiredService<DatabaseOptions>());
        Assert.Contains("10.0.0.0/8", services.GetRequiredService<IOptions<MetricsOptions>>().Value.AllowedNetworks);
    }

    [Theory]
    [InlineData("RateLimiting:Store", "redis", "RateLimiting:Store must be 'memory' or 'postgres'")]
    [InlineData("RateLimiting:Tiers:premium", "0", "RateLimiting:Tiers:premium must be at least 1")]
    [InlineData("RateLimiting:Policies:login:WindowSeconds", "0", "RateLimiting:Policies:login needs Limit and WindowSeconds of at least 1")]
    public void Rate_limit_settings_that_cannot_work_are_refused(string key, string value, string message)
    {
        using var services = Services(new() { [key] = value }, s => s.AddSettings<RateLimitOptions>(RateLimitOptions.Section).ValidateWith(RateLimitOptions.Problems));

        var refused = Assert.Throws<StartupRefusedException>(services.RefuseInvalidSettings);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_the_console_changes_in_part_are_checked_at_start_and_a_later_reload_does_not_throw_into_the_save()
    {
        var stored = new Spotlight.Platform.Configuration.StoredSettingsConfigurationProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:PollIntervalSeconds"] = "2" })
            .Add(new Spotlight.Platform.Configuration.StoredSettingsConfigurationSource(stored)).Build());
        services.AddStartupSettings<JobOptions>(JobOptions.Section).Validate(o => o.PollIntervalSeconds > 0, "Jobs:PollIntervalSeconds must be above 0.");
        using var provider = services.BuildServiceProvider();

        provider.RefuseInvalidSettings();
        stored.Replace(new Dictionary<string, string?> { ["Jobs:PollIntervalSeconds"] = "0" });

        Assert.Equal(2, provider.GetRequiredService<IOptions<JobOptions>>().Value.PollIntervalSeconds);
        using var refusedAtStart = Services(new() { ["Jobs:PollIntervalSeconds"] = "0" },
            s => s.AddStartupSettings<JobOptions>(JobOptions.Section).Validate(o => o.PollIntervalSeconds > 0, "Jobs:PollIntervalSeconds must be above 0."));
        Assert.Equal("Jobs:PollIntervalSeconds must be above 0.", Assert.Throws<StartupRefusedException>(refusedAtStart.RefuseInvalidSettings).Message);
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_a_refused_option_and_names_the_setting()
    {
        var app = new SettingsApp(new() { ["Outbox:BatchSize"] = "0" });
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
            var refusal = Assert.IsType<StartupRefusedException>(Innermost(failure, e => e is StartupRefusedException));
            Assert.Contains("Outbox:BatchSize", refusal.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static Exception? Innermost(Exception? exception, Func<Exception, bool> match)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (match(exception))
            {
                return exception;
            }
        }

        return null;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        register(services);
        return services.BuildServiceProvider();
    }

    private sealed class SettingsApp(Dictionary<string, string?> settings) : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => settings;
    }
}
