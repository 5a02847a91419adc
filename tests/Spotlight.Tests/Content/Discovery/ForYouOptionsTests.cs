using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Discovery;

/// <summary><c>Content:ForYou</c> is checked when the server starts, not when the first feed is read.</summary>
public sealed class ForYouOptionsTests
{
    [Theory]
    [InlineData("DecaySeconds", "0")]
    [InlineData("LikeWeight", "-1")]
    [InlineData("SeenHours", "-2")]
    [InlineData("FollowBoost", "NaN")]
    public async Task A_bad_ranking_setting_stops_the_server_at_start(string key, string value)
    {
        var app = new ForYouSettingsApp(key, value);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
            Assert.Contains("Content:ForYou", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task Good_ranking_settings_start_the_server()
    {
        var app = new ForYouSettingsApp("LikeWeight", "2.5");
        try
        {
            await app.InitializeAsync();
            Assert.Equal(2.5, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Spotlight.Content.Discovery.ForYou.ForYouOptions>>().Value.LikeWeight);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private sealed class ForYouSettingsApp(string key, string value) : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { [$"Content:ForYou:{key}"] = value };
    }
}
