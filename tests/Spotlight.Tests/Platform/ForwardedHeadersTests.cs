using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>A node behind a load balancer in 198.51.100.0/24 (configured as trusted).</summary>
public sealed class BehindProxyApp : SpotlightApp
{
    public const string Proxy = "198.51.100.10";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownNetworks:0"] = "198.51.100.0/24",
    };
}

public sealed class ForwardedHeadersTests(BehindProxyApp app) : IClassFixture<BehindProxyApp>
{
    [Fact]
    public async Task A_trusted_proxy_passes_on_the_clients_address()
    {
        var sessions = await RegisterAndListSessionsAsync(BehindProxyApp.Proxy, forwardedFor: "203.0.113.7");

        Assert.Equal("203.0.113.7", Assert.Single(sessions).GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Anyone_else_cannot_choose_their_address_with_the_header()
    {
        var caller = TestRemoteIp.NextAddress();
        var sessions = await RegisterAndListSessionsAsync(caller, forwardedFor: "203.0.113.8");

        Assert.Equal(caller, Assert.Single(sessions).GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Per_ip_rate_limits_count_the_client_behind_the_proxy_not_the_proxy()
    {
        using var first = Through(BehindProxyApp.Proxy, "203.0.113.20");
        using var second = Through(BehindProxyApp.Proxy, "203.0.113.21");

        var a = await first.GetAsync("/api/v1/gifts/catalog");
        await first.GetAsync("/api/v1/gifts/catalog");
        var b = await second.GetAsync("/api/v1/gifts/catalog");

        // Each client has its own anonymous window: the second one's first request leaves as much as the first one's did.
        Assert.Equal(a.Headers.GetValues("X-RateLimit-Remaining").Single(), b.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    private HttpClient Through(string remote, string forwardedFor)
    {
        var client = app.CreateClientFrom(remote);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return client;
    }

    private async Task<List<JsonElement>> RegisterAndListSessionsAsync(string remote, string forwardedFor)
    {
        using var client = Through(remote, forwardedFor);
        var handle = app.UniqueHandle("fwd");
        var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password = "a long and unusual passphrase", handle });
        registered.EnsureSuccessStatusCode();
        var token = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var authorized = Through(remote, forwardedFor);
        authorized.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return [.. (await authorized.GetFromJsonAsync<JsonElement>("/api/v1/auth/sessions")).GetProperty("items").EnumerateArray()];
    }
}
