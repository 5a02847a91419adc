using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Matching;

/// <summary>The <c>match-queue</c> policy at 3 a minute, so the test reaches it quickly.</summary>
public sealed class MatchQueueLimitApp : MatchingApp
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(LiveKitSettings) { ["RateLimiting:Policies:match-queue:Limit"] = "3" };
}

/// <summary>Joining the queue is rate-limited per user against abuse (policy <c>match-queue</c>, 30 a minute by default).</summary>
public sealed class MatchingRateLimitTests(MatchQueueLimitApp app) : IClassFixture<MatchQueueLimitApp>
{
    [Fact]
    public async Task Joins_past_the_policy_get_429_with_retry_after_counted_per_user()
    {
        var (user, other) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var region = Matchmaking.UniqueRegion();
        for (var i = 0; i < 3; i++)
        {
            var ok = await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { region });
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("X-RateLimit-Limit").Single());
        }

        var refused = await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { region });

        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(HttpStatusCode.Accepted, (await other.Client.PostAsJsonAsync("/api/v1/match/queue", new { region = region + "O" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync("/api/v1/match/queue")).StatusCode); // leaving is not limited
    }
}

/// <summary>Without LiveKit a match would have no room: the queue says so at once.</summary>
public sealed class MatchingWithoutLiveKitTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Joining_the_queue_without_livekit_configured_is_503_livekit_not_configured_and_queues_nobody()
    {
        var user = await app.CreateUserAsync();

        await (await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { region = "FR" })).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "livekit_not_configured");

        Assert.Equal(0, await app.QueueRowsAsync(user.Id));
    }
}
