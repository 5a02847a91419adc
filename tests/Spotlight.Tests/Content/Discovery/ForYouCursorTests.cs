using Spotlight.Tests.Infrastructure;
using static Spotlight.Tests.Content.Discovery.DiscoveryApp;
using static Spotlight.Tests.Content.Posts.PostsApp;

namespace Spotlight.Tests.Content.Discovery;

/// <summary>A server that records no impressions (<c>Content:ForYou:SeenHours=0</c>), so only the cursor keeps pages apart.</summary>
public sealed class ForYouWithoutImpressionsApp : DiscoveryApp
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings) { ["Content:ForYou:SeenHours"] = "0" };
}

public sealed class ForYouCursorTests(ForYouWithoutImpressionsApp app) : IClassFixture<ForYouWithoutImpressionsApp>
{
    [Fact]
    public async Task Cursor_paging_returns_every_post_once_in_rank_order_even_as_likes_and_new_posts_arrive()
    {
        var author = await app.CreateUserAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await PostIdAsync(author, new { text = $"post {i}", visibility = "public" }));
            await app.WaitForRankAsync(ids[^1], _ => true);
        }

        var viewer = await app.CreateUserAsync();
        var seen = new List<Guid>();
        var first = await ForYouAsync(viewer.Client, limit: 3);
        seen.AddRange(Ids(first));
        // A new post (ranked above all: it is the newest) and a like raising a served post do not make the next pages repeat.
        var late = await PostIdAsync(author, new { text = "late", visibility = "public" });
        await app.WaitForRankAsync(late, _ => true);
        await LikeAsync(await app.CreateUserAsync(), Ids(first)[^1]);
        await app.WaitForRankAsync(Ids(first)[^1], r => r.Score > 0);
        var cursor = first.GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var page = await ForYouAsync(viewer.Client, limit: 3, cursor);
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("nextCursor").GetString();
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(Enumerable.Reverse(ids).ToList(), seen.Where(ids.Contains).ToList());
        Assert.DoesNotContain(late, seen);
        // Without impressions a new first page is the ranking as it is now: the liked post, then the newest.
        Assert.Equal([Ids(first)[^1], late], Ids(await ForYouAsync(viewer.Client, limit: 3))[..2]);
    }
}
