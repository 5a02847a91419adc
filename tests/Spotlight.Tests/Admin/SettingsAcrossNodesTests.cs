using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Admin;

/// <summary>Two server instances on one database, as two nodes behind a load balancer: a setting saved on one applies on the other.</summary>
public sealed class SettingsAcrossNodesTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Cors_origins_and_rate_limits_saved_on_one_node_apply_on_another_within_the_refresh_interval()
    {
        await using var otherNode = new OtherNode(app);
        var admin = await app.CreateAdminAsync();
        var origin = $"https://node{Guid.NewGuid().ToString("N")[..6]}.example.com";
        Assert.False((await Preflight(otherNode.CreateClient(), origin)).Headers.Contains("Access-Control-Allow-Origin"));

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/cors", new { allowedOrigins = new[] { origin } })).ShouldBeAsync(HttpStatusCode.OK);
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/rateLimits", new { anonymous = 777 })).ShouldBeAsync(HttpStatusCode.OK);

        // The other node re-reads the settings every 0.5 s here: both saves must show there within a few rounds.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpResponseMessage preflight, anonymous;
        do
        {
            await Task.Delay(200);
            preflight = await Preflight(otherNode.CreateClient(), origin);
            anonymous = await otherNode.CreateClient().GetAsync("/api/v1/users/nobody-here");
        }
        while (!(preflight.Headers.Contains("Access-Control-Allow-Origin") && anonymous.Headers.GetValues("X-RateLimit-Limit").Single() == "777")
            && DateTime.UtcNow < deadline);

        Assert.Equal(origin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("777", anonymous.Headers.GetValues("X-RateLimit-Limit").Single());
    }

    [Fact]
    public async Task A_gift_split_saved_on_one_node_splits_the_next_gift_sent_through_another_within_the_refresh_interval()
    {
        await using var otherNode = new OtherNode(app);
        var admin = await app.CreateAdminAsync();
        var fan = await app.CreateUserAsync();
        var creator = await app.CreateUserAsync(roles: "creator");
        await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{fan.Id}/adjustments", new { amount = 10_000, reason = "test funding" })).ShouldBeAsync(HttpStatusCode.Created);
        // Signed in on the other node (each test node has keys of its own, where real nodes share theirs).
        var fanOnOtherNode = otherNode.CreateClient();
        var login = await (await fanOnOtherNode.PostAsJsonAsync("/api/v1/auth/login", new { email = fan.Email, password = fan.Password })).ShouldBeAsync(HttpStatusCode.OK);
        fanOnOtherNode.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("accessToken").GetString());
        Assert.Equal(85, await CreatorShareAsync(fanOnOtherNode, creator.Id));

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/revenueSplits", new { giftCreator = 75, giftPlatform = 20 })).ShouldBeAsync(HttpStatusCode.OK);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long share;
        do
        {
            await Task.Delay(200);
            share = await CreatorShareAsync(fanOnOtherNode, creator.Id);
        }
        while (share != 75 && DateTime.UtcNow < deadline);

        Assert.Equal(75, share);
    }

    private static async Task<long> CreatorShareAsync(HttpClient sender, Guid creatorId)
    {
        var gift = await (await sender.PostMoneyAsync("/api/v1/gifts", new { recipientId = creatorId, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        return gift.GetProperty("split").GetProperty("creator").GetInt64();
    }

    private static async Task<HttpResponseMessage> Preflight(HttpClient client, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        return await client.SendAsync(request);
    }

    /// <summary>A second server on the first one's database (its own data directory, so its own in-memory state).</summary>
    private sealed class OtherNode(SpotlightApp first) : WebApplicationFactory<Program>
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("spotlight-node2-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", first.Database.Provider);
            builder.UseSetting("ConnectionStrings:Default", first.Database.ConnectionString);
            builder.UseSetting("Spotlight:DataDirectory", _directory);
            builder.UseSetting("Identity:PasswordHashIterations", "1000");
            builder.UseSetting("Admin:SettingsRefreshSeconds", "0.5");
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans its temp folder.
            }
        }
    }
}
