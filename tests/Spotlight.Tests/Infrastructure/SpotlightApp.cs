using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spotlight.Data;
using Spotlight.Identity;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// The real server in process (WebApplicationFactory over Program), on a database of its own, SQLite or PostgreSQL by
/// <see cref="TestDatabase"/>. One per test class (<c>IClassFixture</c>): classes run in parallel, tests in a class share it,
/// so every test makes its own users. Settings differ from production only where a test needs speed: a cheap password
/// hash and generous rate limits (rate-limit tests use <see cref="Settings"/> to restore the real figures).
/// </summary>
public class SpotlightApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SpotlightApp? _primary;
    private int _sequence;
    private int _disposed;

    public SpotlightApp()
    {
        DataDirectory = Directory.CreateTempSubdirectory("spotlight-test-").FullName;
    }

    /// <summary>A second server instance (another "node") on the database of <paramref name="primary"/>.</summary>
    protected SpotlightApp(SpotlightApp primary)
    {
        _primary = primary;
        DataDirectory = primary.DataDirectory; // same generated keys: a token from one node is valid on the other
        Clock = primary.Clock; // nodes agree on the time, as NTP-synchronised servers do
    }

    public string DataDirectory { get; }

    public TestDatabase Database { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public ShiftableClock Clock { get; } = new ShiftableClock();

    /// <summary>Settings on top of the defaults below; override to change them for one fixture.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Database = _primary?.Database ?? await CreateDatabaseAsync();
        _ = Services; // builds the host: migrations run, the server is ready
    }

    /// <summary>A database of its own; a second node of a multi-node test shares the first one's (<see cref="TestDatabase.Share"/>).</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync(DataDirectory);

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>
    /// Stops the server, drops its database and deletes its data directory, however the fixture ends: by xUnit
    /// (<see cref="IAsyncLifetime"/>) or by a test's <c>await using</c> (which calls this, not the xUnit method).
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await DisposeFixtureAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (_primary is not null)
        {
            return;
        }

        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>Releases what a derived fixture started (a browser), before the server stops.</summary>
    protected virtual Task DisposeFixtureAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Database.Provider,
            ["ConnectionStrings:Default"] = Database.ConnectionString,
            ["Spotlight:DataDirectory"] = DataDirectory,
            ["Identity:PasswordHashIterations"] = "1000",
            ["Jobs:PollIntervalSeconds"] = "0.2",
            ["RateLimiting:Anonymous"] = "1000000",
            ["RateLimiting:Tiers:free"] = "1000000",
            ["RateLimiting:Tiers:premium"] = "1000000",
            ["RateLimiting:Tiers:creator"] = "1000000",
            ["RateLimiting:Policies:login:Limit"] = "1000000",
            ["RateLimiting:Policies:login-email:Limit"] = "1000000",
            ["RateLimiting:Policies:register:Limit"] = "1000000",
            ["RateLimiting:Policies:password-reset:Limit"] = "1000000",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestRemoteIp>();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            ConfigureTestServices(services);
        });
    }

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    /// <summary>Runs code against the app's database in a scope of its own.</summary>
    public async Task<T> WithDbAsync<T>(Func<SpotlightDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<SpotlightDb>());
    }

    public Task WithDbAsync(Func<SpotlightDb, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return true;
    });

    public string UniqueHandle(string prefix = "u") => $"{prefix}{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Registers a user through the API (optionally with roles and tier, set as an admin would) and signs in.</summary>
    public async Task<TestUser> CreateUserAsync(string? roles = null, string? tier = null, string? password = null)
    {
        var handle = UniqueHandle();
        var email = $"{handle}@example.com";
        password ??= "Tr0ub4dor&3-" + Guid.NewGuid().ToString("N")[..6];
        var ip = TestRemoteIp.NextAddress();
        var anonymous = CreateClientFrom(ip);
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password, handle });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registration failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var tokens = (await response.Content.ReadFromJsonAsync<TokenPair>(Json))!;
        if (roles is not null || tier is not null)
        {
            await WithDbAsync(db => db.Users.Where(u => u.Id == tokens.User.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Roles, u => roles == null ? u.Roles : "user," + roles)
                .SetProperty(u => u.Tier, u => tier ?? u.Tier)));
            var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
            tokens = (await login.Content.ReadFromJsonAsync<TokenPair>(Json))!;
        }

        var client = Authorized(tokens.AccessToken);
        client.DefaultRequestHeaders.Add(TestRemoteIp.Header, ip);
        return new TestUser(tokens.User.Id, email, handle, password, tokens.AccessToken, tokens.RefreshToken, client);
    }

    public Task<TestUser> CreateAdminAsync() => CreateUserAsync(Role.Admin);

    /// <summary>A client whose requests come from <paramref name="ip"/> (per-IP rate limits, audit IPs).</summary>
    public HttpClient CreateClientFrom(string ip)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(TestRemoteIp.Header, ip);
        return client;
    }

    public HttpClient Authorized(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }
}

public sealed record TestUser(Guid Id, string Email, string Handle, string Password, string AccessToken, string RefreshToken, HttpClient Client);

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, MeDto User);

public sealed record MeDto(Guid Id, string Email, string Handle, string? DisplayName, string? Bio, string? AvatarUrl, string[] Roles, string Tier,
    bool EmailVerified, bool TwoFactorEnabled, DateTime CreatedAt);
