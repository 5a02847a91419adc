using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>The console with the Production environment's defaults: Secure cookies, two-factor enrolment required.</summary>
public sealed class ConsoleProductionTests(ConsoleProductionTests.ProductionApp app) : IClassFixture<ConsoleProductionTests.ProductionApp>
{
    public sealed class ProductionApp : SpotlightApp
    {
        // Production on PostgreSQL generates no keys: every node must be given the same ones.
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Email:Sender"] = "file", // Production sends no mail files unless told to
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    [Fact]
    public async Task In_production_the_session_cookie_is_secure_and_an_admin_must_enrol_two_factor_first()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var https = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        var page = ConsoleClient.Parse(await (await https.GetAsync("/admin/login")).Content.ReadAsStringAsync());
        var token = page.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var response = await https.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = token, ["Email"] = admin.Email, ["Password"] = admin.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/2fa", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("spotlight_admin=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/admin/2fa", (await https.GetAsync("/admin/users")).Headers.Location!.OriginalString);

        // Behind a TLS-terminating proxy the server sees plain HTTP: the sign-in page still renders (no antiforgery error).
        Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync("/admin/login")).StatusCode);
    }
}
