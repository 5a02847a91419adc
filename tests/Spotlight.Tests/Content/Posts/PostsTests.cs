using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Content;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Posts;

/// <summary>Publishing, reading, editing, pinning and deleting posts; the lists' order and cursors.</summary>
public sealed class PostsTests(PostsApp app) : IClassFixture<PostsApp>
{
    [Fact]
    public async Task A_post_parses_hashtags_and_mentions_and_says_it_was_published()
    {
        var author = await app.CreateUserAsync();
        var mentioned = await app.CreateUserAsync();
        var tag = "Tag" + Guid.NewGuid().ToString("N")[..6];
        var post = await PostsApp.PostAsync(author, new { text = $"Hello #{tag} and #{tag.ToUpperInvariant()} @{mentioned.Handle.ToUpperInvariant()} @{author.Handle} mail@{mentioned.Handle}", visibility = "public" });
        var id = post.GetProperty("id").GetGuid();
        Assert.False(post.GetProperty("locked").GetBoolean());
        Assert.Equal(author.Handle, post.GetProperty("author").GetProperty("handle").GetString());

        // One tag whatever its case, found with or without the # and in any case.
        Assert.Equal([id], await PostsApp.IdsAsync(app.CreateClient(), $"/api/v1/hashtags/{tag.ToLowerInvariant()}/posts"));
        Assert.Equal([id], await PostsApp.IdsAsync(app.CreateClient(), $"/api/v1/hashtags/%23{tag.ToUpperInvariant()}/posts"));

        var mention = await app.Events.WaitForAsync<UsersMentioned>(e => e.PostId == id);
        Assert.Equal([mentioned.Id], mention.MentionedIds); // not the writer, not an e-mail address
        Assert.Null(mention.CommentId);
        var published = await app.Events.WaitForAsync<PostPublished>(e => e.PostId == id);
        Assert.Equal((author.Id, "public"), (published.AuthorId, published.Visibility));
    }

    [Fact]
    public async Task Anyone_without_a_token_reads_a_public_post_whole_and_a_gated_one_locked()
    {
        var (creator, plan) = await app.CreatorWithPlanAsync();
        var open = await PostsApp.PostIdAsync(creator, new { text = "open", visibility = "public" });
        var gated = await PostsApp.PostIdAsync(creator, new { text = "for fans", visibility = "subscribers", planIds = new[] { plan } });
        var anonymous = app.CreateClient();

        var whole = await (await anonymous.GetAsync($"/api/v1/posts/{open}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("open", whole.GetProperty("text").GetString());
        Assert.False(whole.GetProperty("likedByMe").GetBoolean());
        var locked = await (await anonymous.GetAsync($"/api/v1/posts/{gated}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(locked.GetProperty("locked").GetBoolean());
        Assert.Equal("", locked.GetProperty("text").GetString());
        Assert.Equal(plan, locked.GetProperty("planIds")[0].GetGuid());
        Assert.Equal(JsonValueKind.Null, locked.GetProperty("price").ValueKind);
    }

    [Fact]
    public async Task A_locked_post_shows_its_media_reduced_to_kind_size_and_blurhash_and_a_whole_one_with_urls()
    {
        var (creator, _) = await app.CreatorWithPlanAsync();
        var id = await PostsApp.PostIdAsync(creator, new { text = "look", visibility = "premium", price = 5 });
        await app.WithDbAsync(async db =>
        {
            db.Add(new Spotlight.Content.Media.MediaItem
            {
                Id = Guid.CreateVersion7(), OwnerId = creator.Id, PostId = id, Kind = "image", ContentType = "image/jpeg", Size = 1234, Width = 640, Height = 480,
                Status = Spotlight.Content.Media.MediaStatus.Ready, StorageKey = "k", Blurhash = "LEHV6nWB2yk8", Exposure = Spotlight.Content.Media.MediaExposure.Gated,
                CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        });

        var locked = (await (await app.CreateClient().GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("media")[0];
        Assert.Equal(("image", 640, 480, "LEHV6nWB2yk8"), (locked.GetProperty("kind").GetString(), locked.GetProperty("width").GetInt32(),
            locked.GetProperty("height").GetInt32(), locked.GetProperty("blurhash").GetString()));
        foreach (var hidden in new[] { "url", "thumbnailUrl", "contentType", "size", "status" })
        {
            Assert.Equal(JsonValueKind.Null, locked.GetProperty(hidden).ValueKind);
        }

        var whole = (await (await creator.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("media")[0];
        Assert.False(string.IsNullOrEmpty(whole.GetProperty("url").GetString()));
        Assert.Equal("image/jpeg", whole.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task The_feed_is_newest_first_and_its_pages_stay_the_same_while_new_posts_arrive()
    {
        var reader = await app.CreateUserAsync();
        var authors = new[] { await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync() };
        var unfollowed = await app.CreateUserAsync();
        foreach (var author in authors)
        {
            await PostsApp.FollowAsync(reader, author);
        }

        var posted = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            posted.Add(await PostsApp.PostIdAsync(authors[i % 3], new { text = $"post {i}", visibility = i % 2 == 0 ? "public" : "followers" }));
            await PostsApp.PostIdAsync(unfollowed, new { text = "not for this feed", visibility = "public" });
        }

        var first = await (await reader.Client.GetAsync("/api/v1/feed?limit=3")).ShouldBeAsync(HttpStatusCode.OK);
        var firstIds = first.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(posted.AsEnumerable().Reverse().Take(3), firstIds);

        // New posts arrive between pages: the next pages go on from where the first stopped, no repeats, no gaps.
        var newer = new[] { await PostsApp.PostIdAsync(authors[0], new { text = "late", visibility = "public" }), await PostsApp.PostIdAsync(authors[1], new { text = "later", visibility = "public" }) };
        var rest = await PostsApp.PagesAsync(reader.Client, "/api/v1/feed", 3, from: first.GetProperty("nextCursor").GetString());
        Assert.Equal(posted.AsEnumerable().Reverse().Skip(3), rest.SelectMany(p => p));
        Assert.Equal([3, 2], rest.Select(p => p.Count));

        // A fresh first page starts with them.
        Assert.Equal(newer.Reverse().Concat(posted.AsEnumerable().Reverse().Take(1)), await PostsApp.IdsAsync(reader.Client, "/api/v1/feed?limit=3"));
    }

    [Fact]
    public async Task A_profile_lists_pinned_posts_first_then_the_newest_across_pages()
    {
        var author = await app.CreateUserAsync();
        var posts = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await PostsApp.PostIdAsync(author, new { text = $"post {i}", visibility = "public" }));
        }

        await Pin(author, posts[1]);
        await Pin(author, posts[3]);
        Guid[] expected = [posts[3], posts[1], posts[5], posts[4], posts[2], posts[0]];
        foreach (var limit in new[] { 1, 2, 4, 20 })
        {
            var pages = await PostsApp.PagesAsync(app.CreateClient(), $"/api/v1/users/{author.Id}/posts", limit);
            Assert.Equal(expected, pages.SelectMany(p => p));
        }

        var first = (await (await app.CreateClient().GetAsync($"/api/v1/users/{author.Id}/posts")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.True(first.GetProperty("pinned").GetBoolean());
    }

    [Fact]
    public async Task A_fourth_pin_is_refused_until_a_pinned_post_is_unpinned_or_deleted()
    {
        var author = await app.CreateUserAsync();
        var posts = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(await PostsApp.PostIdAsync(author, new { text = $"post {i}", visibility = "public" }));
        }

        for (var i = 0; i < 3; i++)
        {
            await Pin(author, posts[i]);
        }

        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{posts[3]}", new { pinned = true })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pin_limit_reached");
        await Pin(author, posts[0]); // pinning a pinned post again is no fourth pin

        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{posts[0]}", new { pinned = false })).ShouldBeAsync(HttpStatusCode.OK);
        await Pin(author, posts[3]);
        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{posts[4]}", new { pinned = true })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "pin_limit_reached");

        await (await author.Client.DeleteAsync($"/api/v1/posts/{posts[1]}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await Pin(author, posts[4]);
    }

    [Fact]
    public async Task Concurrent_pins_never_pass_the_limit()
    {
        var author = await app.CreateUserAsync();
        var posts = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            posts.Add(await PostsApp.PostIdAsync(author, new { text = $"post {i}", visibility = "public" }));
        }

        await Pin(author, posts[0]);
        await Pin(author, posts[1]);
        var answers = await Task.WhenAll(posts.Skip(2).Select(id => author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { pinned = true })));
        Assert.Equal(1, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(4, answers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var profile = await (await author.Client.GetAsync($"/api/v1/users/{author.Id}/posts")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(3, profile.GetProperty("items").EnumerateArray().Count(p => p.GetProperty("pinned").GetBoolean()));
    }

    [Fact]
    public async Task Editing_the_text_sets_editedAt_and_rewrites_the_hashtags_other_edits_do_not()
    {
        var author = await app.CreateUserAsync();
        var (before, after) = ("before" + Guid.NewGuid().ToString("N")[..6], "after" + Guid.NewGuid().ToString("N")[..6]);
        var id = await PostsApp.PostIdAsync(author, new { text = $"#{before}", visibility = "public" });

        var closed = await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { commentsClosed = true })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(closed.GetProperty("commentsClosed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("editedAt").ValueKind);

        var edited = await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { text = $"now #{after}" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal($"now #{after}", edited.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, edited.GetProperty("editedAt").ValueKind);
        Assert.Empty(await PostsApp.IdsAsync(app.CreateClient(), $"/api/v1/hashtags/{before}/posts"));
        Assert.Equal([id], await PostsApp.IdsAsync(app.CreateClient(), $"/api/v1/hashtags/{after}/posts"));
    }

    [Fact]
    public async Task Changing_visibility_gates_and_ungates_the_post_for_everyone_at_once()
    {
        var (creator, plan) = await app.CreatorWithPlanAsync();
        var stranger = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(creator, new { text = "now free", visibility = "public" });

        var premium = await (await creator.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { visibility = "premium", price = 30 })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(30, premium.GetProperty("price").GetInt64());
        Assert.True((await (await stranger.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("locked").GetBoolean());

        // A new price alone keeps it premium; moving to subscribers drops the price and takes plans.
        await (await creator.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { price = 40 })).ShouldBeAsync(HttpStatusCode.OK);
        var subscribers = await (await creator.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { visibility = "subscribers", planIds = new[] { plan } })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, subscribers.GetProperty("price").ValueKind);
        Assert.Equal(plan, subscribers.GetProperty("planIds")[0].GetGuid());

        var open = await (await creator.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { visibility = "public" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, open.GetProperty("planIds").GetArrayLength());
        Assert.Equal("now free", (await (await stranger.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_deleted_post_is_gone_from_every_read_path_even_for_its_author()
    {
        var author = await app.CreateUserAsync();
        var follower = await app.CreateUserAsync();
        await PostsApp.FollowAsync(follower, author);
        var tag = "gone" + Guid.NewGuid().ToString("N")[..6];
        var id = await PostsApp.PostIdAsync(author, new { text = $"#{tag}", visibility = "public" });
        await PostsApp.CommentAsync(follower, id, "nice");

        await (await author.Client.DeleteAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);

        foreach (var reader in new[] { author, follower })
        {
            await (await reader.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            Assert.DoesNotContain(id, await PostsApp.IdsAsync(reader.Client, $"/api/v1/users/{author.Id}/posts"));
            Assert.DoesNotContain(id, await PostsApp.IdsAsync(reader.Client, $"/api/v1/hashtags/{tag}/posts"));
            Assert.DoesNotContain(id, await PostsApp.IdsAsync(reader.Client, "/api/v1/feed"));
            await (await reader.Client.GetAsync($"/api/v1/posts/{id}/comments")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await reader.Client.PostAsync($"/api/v1/posts/{id}/like", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        // A second delete finds nothing to delete.
        await (await author.Client.DeleteAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { text = "back?" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task No_one_edits_or_deletes_another_users_post_but_staff_may_delete_it()
    {
        var author = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var id = await PostsApp.PostIdAsync(author, new { text = "mine", visibility = "public" });

        await (await other.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { text = "yours now" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { pinned = true })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await moderator.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { text = "edited by staff" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Client.DeleteAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().DeleteAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("mine", (await (await other.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("text").GetString());

        await (await moderator.Client.DeleteAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await author.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_banned_authors_posts_are_gone_for_everyone_but_staff()
    {
        var author = await app.CreateUserAsync();
        var reader = await app.CreateUserAsync();
        var admin = await app.AdminAsync();
        var id = await PostsApp.PostIdAsync(author, new { text = "soon banned", visibility = "public" });
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{author.Id}/ban", new { reason = "spam" })).ShouldBeAsync(HttpStatusCode.OK);

        await (await reader.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await PostsApp.IdsAsync(reader.Client, $"/api/v1/users/{author.Id}/posts"));
        Assert.Equal("soon banned", (await (await admin.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("text").GetString());
    }

    public static TheoryData<string, object, string> BadPosts() => new()
    {
        { "text", new { text = new string('a', 5001), visibility = "public" }, "validation_failed" },
        { "text", new { text = "nul\0byte", visibility = "public" }, "validation_failed" },
        { "text", new { visibility = "public" }, "validation_failed" },
        { "visibility", new { text = "hi" }, "validation_failed" },
        { "visibility", new { text = "hi", visibility = "friends" }, "validation_failed" },
        { "price", new { text = "hi", visibility = "premium" }, "validation_failed" },
        { "price", new { text = "hi", visibility = "premium", price = 0 }, "validation_failed" },
        { "price", new { text = "hi", visibility = "premium", price = -5 }, "validation_failed" },
        { "price", new { text = "hi", visibility = "public", price = 10 }, "validation_failed" },
        { "planIds", new { text = "hi", visibility = "followers", planIds = new[] { Guid.NewGuid() } }, "validation_failed" },
        { "mediaIds", new { text = "hi", visibility = "public", mediaIds = Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()).ToArray() }, "validation_failed" },
    };

    [Theory]
    [MemberData(nameof(BadPosts))]
    public async Task A_bad_post_is_refused_naming_the_field(string field, object body, string code)
    {
        var (creator, _) = await app.CreatorWithPlanAsync();
        var problem = await (await creator.Client.PostAsJsonAsync("/api/v1/posts", body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Gated_posts_are_for_creators_on_their_own_plans_and_media_must_be_the_authors()
    {
        var user = await app.CreateUserAsync();
        var (creator, plan) = await app.CreatorWithPlanAsync();
        var (_, othersPlan) = await app.CreatorWithPlanAsync();

        await (await user.Client.PostAsJsonAsync("/api/v1/posts", new { text = "buy", visibility = "premium", price = 5 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_creator");
        await (await user.Client.PostAsJsonAsync("/api/v1/posts", new { text = "subs", visibility = "subscribers" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_creator");
        await PostsApp.PostAsync(user, new { text = "fans only", visibility = "followers" });
        var id = await PostsApp.PostIdAsync(user, new { text = "free", visibility = "public" });
        await (await user.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { visibility = "premium", price = 5 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_creator");

        var problem = await (await creator.Client.PostAsJsonAsync("/api/v1/posts", new { text = "subs", visibility = "subscribers", planIds = new[] { plan, othersPlan } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("planIds", out _));
        await (await creator.Client.PostAsJsonAsync("/api/v1/posts", new { text = "pic", visibility = "public", mediaIds = new[] { Guid.NewGuid() } }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "media_not_found");
        await (await creator.Client.PostAsJsonAsync("/api/v1/posts", new { text = "hi", visibility = "public", authorId = user.Id }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/posts", new { text = "hi", visibility = "public" })).ShouldBeAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bad_cursors_limits_and_tags_are_400s()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.GetAsync("/api/v1/feed?cursor=nope")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await user.Client.GetAsync($"/api/v1/users/{user.Id}/posts?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await user.Client.GetAsync("/api/v1/hashtags/a-b/posts")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await user.Client.GetAsync($"/api/v1/hashtags/{new string('a', 101)}/posts")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    private static async Task Pin(TestUser author, Guid id)
    {
        var pinned = await (await author.Client.PatchAsJsonAsync($"/api/v1/posts/{id}", new { pinned = true })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(pinned.GetProperty("pinned").GetBoolean());
    }
}
