using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Discovery.ForYou;
using Spotlight.Content.Posts;
using Spotlight.Moderation;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Discovery;

/// <summary>The posts' test server with what discovery's tests do: search, read the for-you feed, wait for ranks.</summary>
public class DiscoveryApp : PostsApp
{
    /// <summary>A word no other test writes: lower-case letters (a search term is letters and digits).</summary>
    public static string UniqueWord(string prefix = "w") => prefix + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + (Convert.ToInt32(c.ToString(), 16) % 26))).ToArray())[..10];

    public static async Task<JsonElement> SearchAsync(HttpClient client, string q, string type, int? limit = null, string? cursor = null)
    {
        var url = $"/api/v1/search?q={Uri.EscapeDataString(q)}&type={type}" + (limit is null ? "" : $"&limit={limit}") + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
        return await (await client.GetAsync(url)).ShouldBeAsync(HttpStatusCode.OK);
    }

    /// <summary>The ids of every page of a post search, following the cursors.</summary>
    public static async Task<List<Guid>> SearchPostIdsAsync(HttpClient client, string q, int limit = 100)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await SearchAsync(client, q, "posts", limit, cursor);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    public static async Task<JsonElement> ForYouAsync(HttpClient client, int? limit = null, string? cursor = null)
    {
        var url = "/api/v1/feed/for-you" + (limit is null ? "" : $"?limit={limit}") + (cursor is null ? "" : $"{(limit is null ? "?" : "&")}cursor={Uri.EscapeDataString(cursor)}");
        return await (await client.GetAsync(url)).ShouldBeAsync(HttpStatusCode.OK);
    }

    /// <summary>Every page of the viewer's for-you feed, in order (each call records what it served).</summary>
    public static async Task<List<JsonElement>> WholeForYouAsync(HttpClient client, int limit = 100)
    {
        var posts = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await ForYouAsync(client, limit, cursor);
            posts.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return posts;
    }

    public static async Task LikeAsync(TestUser liker, Guid postId) =>
        await (await liker.Client.PostAsync($"/api/v1/posts/{postId}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);

    /// <summary>Waits until the ranking's event handlers have scored the post as <paramref name="done"/> says (events are delivered by the outbox relay).</summary>
    public async Task<PostRank> WaitForRankAsync(Guid postId, Func<PostRank, bool> done)
    {
        PostRank? rank = null;
        for (var i = 0; i < 150; i++)
        {
            rank = await WithDbAsync(db => db.Set<PostRank>().AsNoTracking().SingleOrDefaultAsync(r => r.PostId == postId));
            if (rank is not null && done(rank))
            {
                return rank;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Post {postId} was not ranked as expected; last: {(rank is null ? "no row" : $"score {rank.Score}, rank {rank.Rank}")}.");
    }

    /// <summary>A moderator's hide or remove, applied as the moderation feature applies it (the posts' report target).</summary>
    public Task SetModerationAsync(Guid postId, string status) =>
        ApplyAsync(ReportTargetTypes.Post, postId, status == ModerationStatus.Hidden ? ContentDecision.Hide : ContentDecision.Remove);

    public Task BanAsync(Guid userId) =>
        WithDbAsync(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.BannedAt, DateTime.UtcNow)));

    /// <summary>A buyer's unlock as the unlocks part stores it (the paid flow is that part's tests' business).</summary>
    public Task UnlockAsync(Guid postId, Guid buyerId) => WithDbAsync(async db =>
    {
        db.Add(new PostUnlock { PostId = postId, BuyerId = buyerId, TransactionId = Guid.CreateVersion7(), Price = 50, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    });

    public static async Task SetDisplayNameAsync(TestUser user, string displayName) =>
        await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { displayName })).ShouldBeAsync(HttpStatusCode.OK);

    public static List<Guid> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
}
