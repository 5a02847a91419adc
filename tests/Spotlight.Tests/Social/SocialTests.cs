using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Social;

public sealed class SocialTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private async Task<JsonElement> ProfileAsync(TestUser user) =>
        await (await app.CreateClient().GetAsync($"/api/v1/users/{user.Handle}")).ShouldBeAsync(HttpStatusCode.OK);

    [Fact]
    public async Task A_public_profile_shows_what_anyone_may_see_and_nothing_private()
    {
        var creator = await app.CreateUserAsync(roles: "creator");
        var profile = await ProfileAsync(creator);
        Assert.Equal(creator.Id.ToString(), profile.GetProperty("id").GetString());
        Assert.True(profile.GetProperty("isCreator").GetBoolean());
        Assert.Equal(0, profile.GetProperty("followerCount").GetInt32());
        Assert.False(profile.TryGetProperty("email", out _));
        Assert.False(profile.TryGetProperty("roles", out _));
        await (await app.CreateClient().GetAsync("/api/v1/users/nobody_has_this")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Following_twice_counts_once_and_unfollowing_undoes_it()
    {
        var fan = await app.CreateUserAsync();
        var star = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null)).StatusCode);
        Assert.Equal(1, (await ProfileAsync(star)).GetProperty("followerCount").GetInt32());
        Assert.Equal(1, (await ProfileAsync(fan)).GetProperty("followingCount").GetInt32());

        var followers = await (await app.CreateClient().GetAsync($"/api/v1/users/{star.Id}/followers")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(fan.Handle, followers.GetProperty("items")[0].GetProperty("handle").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.DeleteAsync($"/api/v1/users/{star.Id}/follow")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.DeleteAsync($"/api/v1/users/{star.Id}/follow")).StatusCode);
        Assert.Equal(0, (await ProfileAsync(star)).GetProperty("followerCount").GetInt32());
        Assert.Equal(0, (await ProfileAsync(fan)).GetProperty("followingCount").GetInt32());
    }

    [Fact]
    public async Task You_cannot_follow_yourself_or_someone_who_does_not_exist()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.PostAsync($"/api/v1/users/{user.Id}/follow", null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_follow_self");
        await (await user.Client.PostAsync($"/api/v1/users/{Guid.NewGuid()}/follow", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsync($"/api/v1/users/{user.Id}/follow", null)).StatusCode);
    }

    [Fact]
    public async Task Counts_stay_right_under_concurrent_follows_and_unfollows()
    {
        var star = await app.CreateUserAsync();
        var fans = new List<TestUser>();
        for (var i = 0; i < 24; i++)
        {
            fans.Add(await app.CreateUserAsync());
        }

        // Everyone follows twice at once; then half unfollow twice at once while the rest follow again.
        await Task.WhenAll(fans.SelectMany(f => new[] { f.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null), f.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null) }));
        await Task.WhenAll(fans.Select((f, i) => i % 2 == 0
            ? Task.WhenAll(f.Client.DeleteAsync($"/api/v1/users/{star.Id}/follow"), f.Client.DeleteAsync($"/api/v1/users/{star.Id}/follow"))
            : Task.WhenAll(f.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null))));

        var rows = await app.WithDbAsync(db => db.Set<Spotlight.Social.Follow>().CountAsync(f => f.FolloweeId == star.Id));
        Assert.Equal(12, rows);
        Assert.Equal(12, (await ProfileAsync(star)).GetProperty("followerCount").GetInt32());
        var followingCounts = await app.WithDbAsync(db => db.Users.Where(u => fans.Select(f => f.Id).Contains(u.Id)).SumAsync(u => u.FollowingCount));
        Assert.Equal(12, followingCounts);
    }

    [Fact]
    public async Task Follower_lists_are_cursor_paged_newest_first()
    {
        var star = await app.CreateUserAsync();
        var fans = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            var fan = await app.CreateUserAsync();
            await fan.Client.PostAsync($"/api/v1/users/{star.Id}/follow", null);
            fans.Add(fan);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await app.CreateClient().GetAsync($"/api/v1/users/{star.Id}/followers?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).ShouldBeAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("handle").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(fans.Select(f => f.Handle).Reverse(), seen);
        var following = await (await app.CreateClient().GetAsync($"/api/v1/users/{fans[0].Id}/following")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(star.Handle, following.GetProperty("items")[0].GetProperty("handle").GetString());
    }

    [Fact]
    public async Task Blocking_removes_follows_both_ways_and_stops_new_ones_in_either_direction()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await alice.Client.PostAsync($"/api/v1/users/{bob.Id}/follow", null);
        await bob.Client.PostAsync($"/api/v1/users/{alice.Id}/follow", null);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Client.PostAsync($"/api/v1/users/{bob.Id}/block", null)).StatusCode);
        Assert.Equal(0, (await ProfileAsync(alice)).GetProperty("followerCount").GetInt32());
        Assert.Equal(0, (await ProfileAsync(alice)).GetProperty("followingCount").GetInt32());
        Assert.Equal(0, (await ProfileAsync(bob)).GetProperty("followerCount").GetInt32());
        await (await bob.Client.PostAsync($"/api/v1/users/{alice.Id}/follow", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await alice.Client.PostAsync($"/api/v1/users/{bob.Id}/follow", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");

        var blocks = await (await alice.Client.GetAsync("/api/v1/me/blocks")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(bob.Id.ToString(), blocks.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await (await bob.Client.GetAsync("/api/v1/me/blocks")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());

        // Only the blocker can lift it.
        await bob.Client.DeleteAsync($"/api/v1/users/{alice.Id}/block");
        await (await bob.Client.PostAsync($"/api/v1/users/{alice.Id}/follow", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Client.DeleteAsync($"/api/v1/users/{bob.Id}/block")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.PostAsync($"/api/v1/users/{alice.Id}/follow", null)).StatusCode);
    }

    [Fact]
    public async Task A_banned_users_profile_is_gone_from_public_view()
    {
        var user = await app.CreateUserAsync();
        var admin = await app.CreateAdminAsync();
        await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/ban", new { reason = "impersonation" });
        await (await app.CreateClient().GetAsync($"/api/v1/users/{user.Handle}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
