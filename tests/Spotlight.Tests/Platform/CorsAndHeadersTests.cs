using System.Net;
using Microsoft.AspNetCore.Hosting;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed class CorsApp : SpotlightApp
{
    public const string AllowedOrigin = "https://app.example.com";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = AllowedOrigin };
}

public sealed class CorsAndHeadersTests(CorsApp app) : IClassFixture<CorsApp>
{
    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return await app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task A_foreign_origin_gets_no_cross_origin_access()
    {
        var preflight = await PreflightAsync("https://evil.example.net");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));

        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("Origin", "https://evil.example.net");
        var response = await app.CreateClient().SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_listed_origin_gets_access_with_credentials_and_the_headers_clients_need()
    {
        var preflight = await PreflightAsync(CorsApp.AllowedOrigin);
        Assert.Equal(CorsApp.AllowedOrigin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", preflight.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("Origin", CorsApp.AllowedOrigin);
        var response = await app.CreateClient().SendAsync(request);
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("X-Request-Id", exposed, StringComparison.Ordinal);
        Assert.Contains("Retry-After", exposed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/api/v1/me")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

/// <summary>Production turns on HSTS; everything else about the pipeline stays the same.</summary>
public sealed class ProductionHeadersApp : SpotlightApp
{
    // Production on PostgreSQL generates no keys (several nodes must share them): give it some, as an operator would.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Jwt:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Email:Sender"] = "file", // Production sends no mail files unless told to
    };

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class ProductionHeadersTests(ProductionHeadersApp app) : IClassFixture<ProductionHeadersApp>
{
    [Fact]
    public async Task Https_responses_carry_hsts_in_production() // (HSTS skips localhost by design, hence another host name)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://api.spotlight.test") });
        var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }
}
