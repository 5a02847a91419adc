using System.Net;
using Microsoft.AspNetCore.DataProtection;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed class SecretsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Keys_are_generated_on_first_run_into_an_owner_only_file()
    {
        var file = Path.Combine(app.DataDirectory, "secrets.json");
        Assert.True(File.Exists(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var keys = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        Assert.True(Convert.FromBase64String(keys.GetProperty("Jwt:SigningKey").GetString()!).Length >= 32);
        Assert.True(Convert.FromBase64String(keys.GetProperty("Secrets:EncryptionKey").GetString()!).Length >= 32);
    }

    [Fact]
    public async Task The_generated_keys_survive_a_restart_so_tokens_stay_valid()
    {
        var user = await app.CreateUserAsync();
        await using var restarted = new RestartedApp(app);
        await restarted.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await restarted.Authorized(user.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)restarted).DisposeAsync();
        }
    }

    [Fact]
    public async Task In_production_on_postgres_a_missing_key_stops_start_up_and_names_the_setting()
    {
        await using var production = new UnconfiguredProductionApp();
        var failure = await Assert.ThrowsAnyAsync<Exception>(production.InitializeAsync);
        var message = failure.ToString();
        Assert.Contains("Jwt:SigningKey", message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(production.DataDirectory, "secrets.json")));
    }

    [Fact]
    public async Task Configured_keys_are_used_and_nothing_is_generated()
    {
        await using var configured = new ConfiguredKeysApp();
        await configured.InitializeAsync();
        try
        {
            var user = await configured.CreateUserAsync();
            Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
            Assert.False(File.Exists(Path.Combine(configured.DataDirectory, "secrets.json")));
        }
        finally
        {
            await ((IAsyncLifetime)configured).DisposeAsync();
        }
    }

    [Fact]
    public async Task The_data_protection_key_ring_is_encrypted_at_rest_and_works_after_a_restart()
    {
        var protector = app.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("test");
        var sealedText = protector.Protect("admin cookie payload");
        var stored = TestDatabase.IsPostgres
            ? await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.Set<Spotlight.Platform.Security.DataProtectionKey>().Select(k => k.Xml)))
            : Directory.GetFiles(Path.Combine(app.DataDirectory, "keys"), "*.xml").Select(File.ReadAllText).ToList();
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("<encryptedKey", xml, StringComparison.Ordinal);
        });

        await using var restarted = new RestartedApp(app);
        await restarted.InitializeAsync();
        try
        {
            var again = restarted.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>().CreateProtector("test");
            Assert.Equal("admin cookie payload", again.Unprotect(sealedText));
        }
        finally
        {
            await ((IAsyncLifetime)restarted).DisposeAsync();
        }
    }

    private sealed class RestartedApp(SpotlightApp primary) : SpotlightApp(primary);

    private sealed class UnconfiguredProductionApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Default"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    private sealed class ConfiguredKeysApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
    }
}
