using System.Net;
using Microsoft.AspNetCore.Hosting;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>The server in Production: what it serves to strangers by default, and the choices it makes an operator spell out.</summary>
public sealed class ProductionSettingsTests(ProductionSettingsTests.ProductionApp app) : IClassFixture<ProductionSettingsTests.ProductionApp>
{
    [Fact]
    public async Task The_docs_ui_is_off_and_the_openapi_document_on_by_default()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClientFrom(TestRemoteIp.NextAddress()).GetAsync("/docs/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClientFrom(TestRemoteIp.NextAddress()).GetAsync("/docs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClientFrom(TestRemoteIp.NextAddress()).GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Readiness_tells_strangers_the_status_only_and_operators_each_check()
    {
        var stranger = await (await app.CreateClientFrom(TestRemoteIp.NextAddress()).GetAsync("/health/ready")).Content.ReadAsStringAsync();
        Assert.Equal("""{"status":"healthy"}""", stranger);

        var local = await (await app.CreateClientFrom("127.0.0.1").GetAsync("/health/ready")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains("all migrations applied", local.GetProperty("checks").GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
        var scraper = app.CreateClientFrom(TestRemoteIp.NextAddress());
        scraper.DefaultRequestHeaders.Authorization = new("Bearer", ProductionApp.MetricsToken);
        Assert.True((await (await scraper.GetAsync("/health/ready")).ShouldBeAsync(HttpStatusCode.OK)).TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task The_file_mail_sender_is_refused_unless_chosen_and_the_message_names_the_setting()
    {
        var failure = await StartupFailureAsync(new ProductionApp(emailSender: null));
        Assert.Contains("Email:Sender=file", failure, StringComparison.Ordinal);
        Assert.Contains("Email:Smtp:Host", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_docs_ui_can_be_turned_on_and_the_openapi_document_off()
    {
        await WithAppAsync(new ProductionApp(extra: new() { ["Api:Docs"] = "true" }), async docs =>
            Assert.Equal(HttpStatusCode.OK, (await docs.CreateClient().GetAsync("/docs/index.html")).StatusCode));
        await WithAppAsync(new ProductionApp(extra: new() { ["Api:OpenApiDocument"] = "false" }), async none =>
        {
            Assert.Equal(HttpStatusCode.NotFound, (await none.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await none.CreateClient().GetAsync("/docs/index.html")).StatusCode);
        });
        var contradiction = await StartupFailureAsync(new ProductionApp(extra: new() { ["Api:Docs"] = "true", ["Api:OpenApiDocument"] = "false" }));
        Assert.Contains("Api:OpenApiDocument", contradiction, StringComparison.Ordinal);
    }

    private static async Task WithAppAsync(SpotlightApp other, Func<SpotlightApp, Task> test)
    {
        await other.InitializeAsync();
        try
        {
            await test(other);
        }
        finally
        {
            await ((IAsyncLifetime)other).DisposeAsync();
        }
    }

    private static async Task<string> StartupFailureAsync(SpotlightApp refused)
    {
        try
        {
            return (await Assert.ThrowsAnyAsync<Exception>(refused.InitializeAsync)).ToString();
        }
        finally
        {
            await ((IAsyncLifetime)refused).DisposeAsync();
        }
    }

    public sealed class ProductionApp : SpotlightApp
    {
        public const string MetricsToken = "metrics-token-for-tests-0123456789";
        private readonly string? _emailSender;
        private readonly Dictionary<string, string?> _extra;

        public ProductionApp()
            : this("file", null)
        {
        }

        internal ProductionApp(string? emailSender = "file", Dictionary<string, string?>? extra = null)
        {
            _emailSender = emailSender;
            _extra = extra ?? [];
        }

        protected override IReadOnlyDictionary<string, string?> Settings
        {
            get
            {
                var settings = new Dictionary<string, string?>(_extra)
                {
                    ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                    ["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                    ["Payments:Sandbox:WebhookSecret"] = "whsec_production_test",
                    ["Metrics:Token"] = MetricsToken,
                };
                if (_emailSender is not null)
                {
                    settings["Email:Sender"] = _emailSender;
                }

                return settings;
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
