using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Matching;

/// <summary>"A pair that just met is not paired again within 10 minutes" (<c>Matching:RepeatAfterMinutes</c>), on the server's clock.</summary>
public sealed class MatchingRepeatTests(MatchingApp app) : IClassFixture<MatchingApp>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(800);

    [Fact]
    public async Task The_same_two_users_are_not_paired_again_until_ten_minutes_after_their_match_ended()
    {
        var region = Matchmaking.UniqueRegion();
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await ann.QueueAsync(region);
        await bob.QueueAsync(region);
        var matchId = (await annHub.WaitForAsync("matched")).GetProperty("matchId").GetGuid();
        await bobHub.WaitForAsync("matched");
        await ann.Client.PostAsync($"/api/v1/match/{matchId}/next", null);
        await bob.Client.PostAsync($"/api/v1/match/{matchId}/next", null);

        await Task.Delay(Quiet);
        app.Clock.Advance(TimeSpan.FromMinutes(9));
        await ann.QueueAsync(region); // a join runs a pass at once
        await Task.Delay(Quiet);
        Assert.Single(annHub.EventsOf("matched"));
        Assert.Single(bobHub.EventsOf("matched"));

        app.Clock.Advance(TimeSpan.FromMinutes(1.5));
        await ann.QueueAsync(region);

        var again = await annHub.WaitForCountAsync("matched", 2);
        Assert.Equal(bob.Id, again[1].GetProperty("partner").GetProperty("id").GetGuid());
        Assert.NotEqual(matchId, again[1].GetProperty("matchId").GetGuid());
        await bobHub.WaitForCountAsync("matched", 2);
    }
}
