using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>Logs everything down to Trace, so that "no secret in the logs" is checked against all the app can say.</summary>
public sealed class VerboseLogApp : SpotlightApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
    };
}

public sealed class RequestIdAndLogTests(VerboseLogApp app) : IClassFixture<VerboseLogApp>
{
    [Fact]
    public async Task A_well_formed_caller_request_id_is_echoed()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Request-Id", "client-abc.123_XYZ");
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal("client-abc.123_XYZ", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Theory]
    [InlineData("has spaces")]
    [InlineData("semi;colon")]
    [InlineData("<script>")]
    public async Task A_malformed_caller_request_id_is_replaced_by_a_new_one(string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Request-Id", value);
        var response = await app.CreateClient().SendAsync(request);
        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.NotEqual(value, id);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task A_request_id_longer_than_128_characters_is_replaced()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Request-Id", new string('a', 129));
        var response = await app.CreateClient().SendAsync(request);
        Assert.Equal(32, response.Headers.GetValues("X-Request-Id").Single().Length);
    }

    [Fact]
    public async Task Every_response_has_a_request_id_and_every_log_line_of_the_request_carries_it()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = "wrong password here" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var id = response.Headers.GetValues("X-Request-Id").Single();
        var lines = app.Logs.Lines.Where(l => l.RequestId == id).ToList();
        Assert.Contains(lines, l => l.Category == "Spotlight.Access" && l.Text.Contains("POST /api/v1/auth/login 401", StringComparison.Ordinal));
        Assert.True(lines.Count >= 3, $"only {lines.Count} lines carried the request id");
    }

    [Fact]
    public async Task Passwords_tokens_and_two_factor_secrets_never_reach_the_log()
    {
        var password = "Zebra-Kettle-" + Guid.NewGuid().ToString("N")[..10];
        var handle = app.UniqueHandle("logs");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "session=cookie-secret-" + handle);
        var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password, handle });
        var tokens = (await register.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"{handle}@example.com", password = password + "-wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var login = (await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"{handle}@example.com", password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        var refreshed = (await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = login.RefreshToken }); // reuse: logged as an incident

        var again = (await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"{handle}@example.com", password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        var authorized = app.Authorized(again.AccessToken);
        var setupBody = await (await authorized.PostAsync("/api/v1/auth/2fa/setup", null)).Content.ReadAsStringAsync();
        Assert.True(setupBody.Contains("secret", StringComparison.Ordinal), setupBody);
        var setup = JsonDocument.Parse(setupBody).RootElement;
        var secret = setup.GetProperty("secret").GetString()!;
        await authorized.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret, app.Clock.GetUtcNow()) });
        var badToken = app.Authorized(tokens.AccessToken + "tampered");
        await badToken.GetAsync("/api/v1/me");

        var logs = app.Logs.AllText;
        Assert.NotEmpty(app.Logs.Lines);
        Assert.DoesNotContain(password, logs, StringComparison.Ordinal);
        foreach (var token in new[] { tokens.AccessToken, tokens.RefreshToken, login.AccessToken, login.RefreshToken, refreshed.AccessToken, refreshed.RefreshToken, again.AccessToken })
        {
            Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.').Last(), logs, StringComparison.Ordinal); // not even a JWT's signature
        }

        Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("cookie-secret-" + handle, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer ey", logs, StringComparison.Ordinal); // no Authorization header value
    }
}
