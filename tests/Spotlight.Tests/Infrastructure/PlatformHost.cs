using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Platform;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// The platform as a feature sees it: <c>AddPlatform/AddData/AddIdentity</c>, the same pipeline, plus endpoints a test
/// maps itself (an idempotent "charge", a handler that throws). Runs on the test server over a database of its own.
/// </summary>
public abstract class PlatformHost : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spotlight-platform-").FullName;

    public WebApplication App { get; private set; } = null!;

    public TestDatabase Database { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public HttpClient CreateClient() => App.GetTestClient();

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected abstract void Map(WebApplication app);

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(_directory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseTestServer();
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Default"] = Database.ConnectionString,
            ["Spotlight:DataDirectory"] = _directory,
            ["Identity:PasswordHashIterations"] = "1000",
            ["Jobs:Enabled"] = "false",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPlatform();
        builder.AddData();
        builder.AddIdentity();
        builder.Services.AddSingleton<ILoggerProvider>(Logs);
        App = builder.Build();
        App.UsePlatform();
        App.MapPlatform();
        App.MapIdentity();
        Map(App);
        await App.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await App.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async Task<T> WithDbAsync<T>(Func<SpotlightDb, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SpotlightDb>());
    }
}
