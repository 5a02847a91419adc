using System.Net;
using System.Net.Http.Json;
using Spotlight.Content.Posts;
using Spotlight.Tests.Infrastructure;
using static Spotlight.Tests.Content.Discovery.DiscoveryApp;
using static Spotlight.Tests.Content.Posts.PostsApp;

namespace Spotlight.Tests.Content.Discovery;

/// <summary>
/// <c>GET /search</c>. The suite runs on SQLite (FTS5) and on PostgreSQL (tsvector): each test asserts exact result
/// lists, so the same test passing on both providers is what proves the two engines answer alike.
/// </summary>
public sealed class SearchTests(DiscoveryApp app) : IClassFixture<DiscoveryApp>
{
    [Fact]
    public async Task Post_search_matches_every_word_as_a_case_insensitive_prefix_newest_first_the_same_on_both_engines()
    {
        var w = UniqueWord();
        var author = await app.CreateUserAsync();
        var beach = await PostIdAsync(author, new { text = $"Golden {w} sunset at the beach", visibility = "public" });
        var hills = await PostIdAsync(author, new { text = $"Sunset over the hills, {w}! #travel", visibility = "public" });
        var coffee = await PostIdAsync(author, new { text = $"Morning coffee ({w.ToUpperInvariant()})", visibility = "public" });
        var house = await PostIdAsync(author, new { text = $"{w}-tagged: the.beach.house and e-mail@example.com", visibility = "public" });
        var anyone = app.CreateClient();

        Assert.Equal([house, coffee, hills, beach], await SearchPostIdsAsync(anyone, w));
        Assert.Equal([hills, beach], await SearchPostIdsAsync(anyone, $"{w} sunset"));
        Assert.Equal([hills, beach], await SearchPostIdsAsync(anyone, $"SUN {w}"));
        Assert.Equal([house, beach], await SearchPostIdsAsync(anyone, $"{w} beach"));
        Assert.Equal([house], await SearchPostIdsAsync(anyone, $"{w} house example com"));
        Assert.Equal([hills], await SearchPostIdsAsync(anyone, $"#travel {w}"));
        Assert.Equal([coffee], await SearchPostIdsAsync(anyone, $"{w[..6]} coffee"));
        Assert.Empty(await SearchPostIdsAsync(anyone, $"{w} sunrise"));
        Assert.Empty(await SearchPostIdsAsync(anyone, $"{w}x"));
        // FTS5 keywords and tsquery operators are words like any other, never syntax.
        Assert.Empty(await SearchPostIdsAsync(anyone, $"{w} OR NEAR & | ! :* \"*\""));
    }

    [Fact]
    public async Task Post_search_pages_with_a_cursor_without_duplicates_or_gaps()
    {
        var w = UniqueWord();
        var author = await app.CreateUserAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PostIdAsync(author, new { text = $"{w} number {i}", visibility = "public" }));
        }

        var anyone = app.CreateClient();
        var first = await SearchAsync(anyone, w, "posts", limit: 2);
        var second = await SearchAsync(anyone, w, "posts", limit: 2, cursor: first.GetProperty("nextCursor").GetString());
        var third = await SearchAsync(anyone, w, "posts", limit: 2, cursor: second.GetProperty("nextCursor").GetString());
        Assert.Equal(Enumerable.Reverse(ids).ToList(), Ids(first).Concat(Ids(second)).Concat(Ids(third)).ToList());
        Assert.Equal(JsonValueKindNull, third.GetProperty("nextCursor").ValueKind);
        // The same cursor again is the same page.
        Assert.Equal(Ids(second), Ids(await SearchAsync(anyone, w, "posts", limit: 2, cursor: first.GetProperty("nextCursor").GetString())));
    }

    [Fact]
    public async Task A_followers_only_post_is_found_by_a_follower_and_its_author_but_not_by_a_stranger_or_anonymously()
    {
        var w = UniqueWord();
        var author = await app.CreateUserAsync();
        var follower = await app.CreateUserAsync();
        var stranger = await app.CreateUserAsync();
        await FollowAsync(follower, author);
        var id = await PostIdAsync(author, new { text = $"only for my people {w}", visibility = "followers" });

        Assert.Equal([id], await SearchPostIdsAsync(follower.Client, w));
        Assert.Equal([id], await SearchPostIdsAsync(author.Client, w));
        Assert.Empty(await SearchPostIdsAsync(stranger.Client, w));
        Assert.Empty(await SearchPostIdsAsync(app.CreateClient(), w));
        // The post itself exists for the stranger, locked: being readable locked is not being findable by its words.
        var locked = await (await stranger.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(locked.GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task A_premium_post_is_found_by_its_buyer_and_its_author_only()
    {
        var w = UniqueWord();
        var creator = await app.CreatorAsync();
        var buyer = await app.CreateUserAsync();
        var stranger = await app.CreateUserAsync();
        await FollowAsync(stranger, creator); // following does not open a premium post
        var id = await PostIdAsync(creator, new { text = $"paid secret {w}", visibility = "premium", price = 50 });
        await app.UnlockAsync(id, buyer.Id);

        Assert.Equal([id], await SearchPostIdsAsync(buyer.Client, w));
        Assert.Equal([id], await SearchPostIdsAsync(creator.Client, w));
        Assert.Empty(await SearchPostIdsAsync(stranger.Client, w));
        Assert.Empty(await SearchPostIdsAsync(app.CreateClient(), w));
    }

    [Fact]
    public async Task A_subscribers_post_is_found_by_an_active_subscriber_only()
    {
        var w = UniqueWord();
        var (creator, planId) = await app.CreatorWithPlanAsync();
        var subscriber = await app.CreateUserAsync();
        var stranger = await app.CreateUserAsync();
        await app.SubscribeAsync(subscriber, creator, planId);
        var id = await PostIdAsync(creator, new { text = $"for the fan club {w}", visibility = "subscribers" });

        Assert.Equal([id], await SearchPostIdsAsync(subscriber.Client, w));
        Assert.Empty(await SearchPostIdsAsync(stranger.Client, w));
    }

    [Fact]
    public async Task Deleted_hidden_and_removed_posts_are_never_found_not_even_by_their_author_or_staff()
    {
        var w = UniqueWord();
        var author = await app.CreateUserAsync();
        var kept = await PostIdAsync(author, new { text = $"{w} kept", visibility = "public" });
        var deleted = await PostIdAsync(author, new { text = $"{w} deleted", visibility = "public" });
        var hidden = await PostIdAsync(author, new { text = $"{w} hidden", visibility = "public" });
        var removed = await PostIdAsync(author, new { text = $"{w} removed", visibility = "public" });
        await (await author.Client.DeleteAsync($"/api/v1/posts/{deleted}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await app.SetModerationAsync(hidden, ModerationStatus.Hidden);
        await app.SetModerationAsync(removed, ModerationStatus.Removed);
        var admin = await app.AdminAsync();

        Assert.Equal([kept], await SearchPostIdsAsync(app.CreateClient(), w));
        Assert.Equal([kept], await SearchPostIdsAsync(author.Client, w));
        Assert.Equal([kept], await SearchPostIdsAsync(admin.Client, w));
    }

    [Fact]
    public async Task An_edited_post_is_found_by_its_new_words_and_no_longer_by_its_old_ones()
    {
        var (before, after) = (UniqueWord(), UniqueWord());
        var author = await app.CreateUserAsync();
        var id = await PostIdAsync(author, new { text = $"first draft {before}", visibility = "public" });
        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { text = $"second draft {after}" })).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Empty(await SearchPostIdsAsync(app.CreateClient(), before));
        Assert.Equal([id], await SearchPostIdsAsync(app.CreateClient(), after));
    }

    [Fact]
    public async Task Posts_and_users_blocked_either_way_or_banned_are_not_found()
    {
        var w = UniqueWord();
        var reader = await app.CreateUserAsync();
        var (blockedByReader, blockerOfReader, banned, plain) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        foreach (var user in new[] { blockedByReader, blockerOfReader, banned, plain })
        {
            await SetDisplayNameAsync(user, $"{w} {user.Handle}");
        }

        var ids = new Dictionary<Guid, Guid>();
        foreach (var user in new[] { blockedByReader, blockerOfReader, banned, plain })
        {
            ids[user.Id] = await PostIdAsync(user, new { text = $"{w} by someone", visibility = "public" });
        }

        await BlockAsync(reader, blockedByReader);
        await BlockAsync(blockerOfReader, reader);
        await app.BanAsync(banned.Id);

        Assert.Equal([ids[plain.Id]], await SearchPostIdsAsync(reader.Client, w));
        Assert.Equal([plain.Id], UserIds(await SearchAsync(reader.Client, w, "users")));
        // Blocks are between two people: anyone else still finds both; a ban hides the account from everyone.
        var anyone = app.CreateClient();
        Assert.Equal(new[] { ids[blockedByReader.Id], ids[blockerOfReader.Id], ids[plain.Id] }.OrderDescending().ToHashSet(), (await SearchPostIdsAsync(anyone, w)).ToHashSet());
        Assert.Equal(new[] { blockedByReader.Id, blockerOfReader.Id, plain.Id }.ToHashSet(), UserIds(await SearchAsync(anyone, w, "users")).ToHashSet());
    }

    [Fact]
    public async Task User_search_matches_a_handle_or_display_name_prefix_in_handle_order_and_pages()
    {
        var w = UniqueWord("n");
        var users = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            var user = await app.CreatorAsync();
            await SetDisplayNameAsync(user, $"{w.ToUpperInvariant()} Star {i}");
            users.Add(user);
        }

        var byHandle = users.OrderBy(u => u.Handle.ToUpperInvariant(), StringComparer.Ordinal).ToList();
        var anyone = app.CreateClient();
        var first = await SearchAsync(anyone, w, "users", limit: 2);
        var second = await SearchAsync(anyone, w, "users", limit: 2, cursor: first.GetProperty("nextCursor").GetString());
        Assert.Equal(byHandle.Select(u => u.Id).ToList(), UserIds(first).Concat(UserIds(second)).ToList());
        Assert.Equal(JsonValueKindNull, second.GetProperty("nextCursor").ValueKind);

        var card = first.GetProperty("items")[0];
        Assert.Equal(byHandle[0].Handle, card.GetProperty("handle").GetString());
        Assert.Equal($"{w.ToUpperInvariant()} Star {users.IndexOf(byHandle[0])}", card.GetProperty("displayName").GetString());
        Assert.True(card.GetProperty("isCreator").GetBoolean());
        Assert.True(card.TryGetProperty("avatarUrl", out _));

        // A handle, with or without its @, finds its account; a display name's later word does not (prefix only).
        Assert.Equal([users[1].Id], UserIds(await SearchAsync(anyone, "@" + users[1].Handle, "users")));
        Assert.Equal([users[1].Id], UserIds(await SearchAsync(anyone, users[1].Handle.ToUpperInvariant(), "users")));
        Assert.Empty(UserIds(await SearchAsync(anyone, $"Star {w}", "users")));
        // LIKE's wildcards are plain characters in a query.
        Assert.Empty(UserIds(await SearchAsync(anyone, $"{w[..3]}%", "users")));
        Assert.Empty(UserIds(await SearchAsync(anyone, "_" + w[1..], "users")));
    }

    [Fact]
    public async Task Hashtag_search_lists_tags_by_prefix_with_counts_of_public_live_posts()
    {
        var w = UniqueWord("t");
        var author = await app.CreateUserAsync();
        await PostIdAsync(author, new { text = $"#{w}cats one", visibility = "public" });
        await PostIdAsync(author, new { text = $"#{w}Cats two", visibility = "public" });
        await PostIdAsync(author, new { text = $"#{w}catnip three", visibility = "public" });
        await PostIdAsync(author, new { text = $"#{w}catnip four, for followers", visibility = "followers" });
        await PostIdAsync(author, new { text = $"#{w}secret only for followers", visibility = "followers" });
        var gone = await PostIdAsync(author, new { text = $"#{w}cats #{w}gone deleted", visibility = "public" });
        await (await author.Client.DeleteAsync($"/api/v1/posts/{gone}")).ShouldBeAsync(HttpStatusCode.NoContent);

        var page = await SearchAsync(app.CreateClient(), "#" + w.ToUpperInvariant(), "hashtags");
        var tags = page.GetProperty("items").EnumerateArray().Select(t => (t.GetProperty("tag").GetString(), t.GetProperty("postCount").GetInt32())).ToList();
        Assert.Equal([($"{w}catnip", 1), ($"{w}cats", 2)], tags);

        var first = await SearchAsync(app.CreateClient(), w, "hashtags", limit: 1);
        var second = await SearchAsync(app.CreateClient(), w, "hashtags", limit: 1, cursor: first.GetProperty("nextCursor").GetString());
        Assert.Equal($"{w}catnip", first.GetProperty("items")[0].GetProperty("tag").GetString());
        Assert.Equal($"{w}cats", second.GetProperty("items")[0].GetProperty("tag").GetString());
        Assert.Equal(JsonValueKindNull, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Posts_are_searched_by_default()
    {
        var w = UniqueWord();
        var author = await app.CreateUserAsync();
        var id = await PostIdAsync(author, new { text = $"default {w}", visibility = "public" });
        var page = await (await app.CreateClient().GetAsync($"/api/v1/search?q={w}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([id], Ids(page));
    }

    [Theory]
    [InlineData("/api/v1/search", "q")]
    [InlineData("/api/v1/search?q=", "q")]
    [InlineData("/api/v1/search?q=%20%20", "q")]
    [InlineData("/api/v1/search?q=a%00b", "q")]
    [InlineData("/api/v1/search?q=!!!&type=posts", "q")]
    [InlineData("/api/v1/search?q=abc&type=videos", "type")]
    [InlineData("/api/v1/search?q=abc&limit=0", "limit")]
    [InlineData("/api/v1/search?q=abc&limit=101", "limit")]
    [InlineData("/api/v1/search?q=abc&cursor=not-a-cursor!", "cursor")]
    [InlineData("/api/v1/search?q=abc&type=posts&cursor=aGFuZGxl", "cursor")]
    public async Task A_bad_query_is_a_400_naming_the_field(string url, string field)
    {
        var problem = await (await app.CreateClient().GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_query_of_101_characters_is_refused_and_one_of_100_is_not()
    {
        await (await app.CreateClient().GetAsync($"/api/v1/search?q={new string('a', 101)}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var type in new[] { "users", "posts", "hashtags" })
        {
            await (await app.CreateClient().GetAsync($"/api/v1/search?q={new string('a', 100)}&type={type}")).ShouldBeAsync(HttpStatusCode.OK);
        }
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    private static List<Guid> UserIds(System.Text.Json.JsonElement page) => Ids(page);
}
