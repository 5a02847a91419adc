using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>The admin console's <c>livekit</c> section is what LiveKit runs on, without a restart; a bad value there disables live, never the server.</summary>
public sealed class LiveKitConsoleSettingsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task LiveKit_saved_in_the_console_is_used_at_once_and_an_invalid_secret_makes_live_unavailable_with_a_reason()
    {
        var admin = await app.CreateAdminAsync();
        var creator = await app.CreateUserAsync("creator");
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/livekit",
            new { url = "wss://live.example.com", apiKey = "APIconsole", apiSecret = "console-saved-secret-0123456789abcdefgh" })).ShouldBeAsync(HttpStatusCode.OK);

        var live = await PollAsync(() => creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "From the console" }), HttpStatusCode.Created);

        Assert.Equal("wss://live.example.com", live.GetProperty("livekitUrl").GetString());
        var claims = JsonDocument.Parse(Base64UrlEncoder.Decode(live.GetProperty("publisherToken").GetString()!.Split('.')[1])).RootElement;
        Assert.Equal("APIconsole", claims.GetProperty("iss").GetString());
        (await creator.Client.PostAsync($"/api/v1/live/{live.GetProperty("id").GetString()}/end", null)).EnsureSuccessStatusCode();

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/livekit", new { apiSecret = "too-short" })).ShouldBeAsync(HttpStatusCode.OK);
        var refused = await PollAsync(() => creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Again" }), HttpStatusCode.ServiceUnavailable);
        Assert.Equal("livekit_not_configured", refused.GetProperty("code").GetString());
        Assert.Contains("LiveKit:ApiSecret", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        (await app.CreateClient().GetAsync("/health/live")).EnsureSuccessStatusCode();
    }

    /// <summary>Settings reach every node within the refresh interval: asks again until the answer has <paramref name="status"/>.</summary>
    private static async Task<JsonElement> PollAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (response.StatusCode == status || watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                return await response.ShouldBeAsync(status);
            }

            await Task.Delay(200);
        }
    }
}
