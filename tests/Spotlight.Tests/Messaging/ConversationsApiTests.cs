using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Messaging;

/// <summary><c>/api/v1/conversations</c>: direct and group conversations, membership, and who may see what.</summary>
public sealed class ConversationsApiTests(ConversationsApiTests.App app) : IClassFixture<ConversationsApiTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Messaging:MaxGroupMembers"] = "4" };
    }

    [Fact]
    public async Task A_direct_conversation_is_one_per_pair_whoever_starts_it()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());

        var first = await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { bob.Id } });
        var again = await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { bob.Id, ann.Id } });
        var fromBob = await bob.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { ann.Id } });

        var created = await first.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("direct", created.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("ownerId").ValueKind);
        Assert.Equal([ann.Id, bob.Id], created.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).Order());
        Assert.EndsWith($"/api/v1/conversations/{created.GetProperty("id").GetGuid()}", first.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(created.GetProperty("id").GetGuid(), (await again.ShouldBeAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        Assert.Equal(created.GetProperty("id").GetGuid(), (await fromBob.ShouldBeAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Starting_the_same_direct_conversation_concurrently_makes_one()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? ann : bob).Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { i % 2 == 0 ? bob.Id : ann.Id } })));

        var ids = new HashSet<Guid>();
        foreach (var answer in answers)
        {
            Assert.True(answer.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, answer.StatusCode.ToString());
            ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        Assert.Single(ids);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_group_has_a_title_and_an_owner_who_adds_and_removes_members()
    {
        var (owner, ann, bob, cat) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var created = await (await owner.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { ann.Id }, title = "  Book club " }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("group", created.GetProperty("kind").GetString());
        Assert.Equal("Book club", created.GetProperty("title").GetString());
        Assert.Equal(owner.Id, created.GetProperty("ownerId").GetGuid());

        var byMember = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { cat.Id } });
        await byMember.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_owner");
        var added = await (await owner.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { bob.Id, cat.Id } }))
            .ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(4, added.GetProperty("members").GetArrayLength());

        await (await ann.Client.DeleteAsync($"/api/v1/conversations/{id}/members/{bob.Id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_owner");
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/conversations/{id}/members/{bob.Id}")).StatusCode);
        await (await bob.Client.GetAsync($"/api/v1/conversations/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.NoContent, (await cat.Client.DeleteAsync($"/api/v1/conversations/{id}/members/{cat.Id}")).StatusCode);

        var renamed = await (await owner.Client.PatchAsJsonAsync($"/api/v1/conversations/{id}", new { title = "Readers" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Readers", renamed.GetProperty("title").GetString());
        Assert.Equal([owner.Id, ann.Id], renamed.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_group_holds_at_most_the_configured_number_of_members()
    {
        var owner = await app.CreateUserAsync();
        var others = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            others.Add(await app.CreateUserAsync());
        }

        var tooMany = await owner.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = others.Select(o => o.Id).ToArray(), title = "big" });
        var problem = await tooMany.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("memberIds", out _));

        var id = await Chat.GroupAsync(owner, "small", others[0], others[1]);
        var full = await owner.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { others[2].Id, others[3].Id } });
        await full.ShouldBeProblemAsync(HttpStatusCode.Conflict, "group_full");
        await (await owner.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { others[2].Id } })).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_owner_leaving_hands_the_group_to_the_longest_member()
    {
        var (owner, ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.GroupAsync(owner, "handover", ann);
        await (await owner.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { bob.Id } })).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/conversations/{id}/members/{owner.Id}")).StatusCode);

        var group = await (await ann.Client.GetAsync($"/api/v1/conversations/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(ann.Id, group.GetProperty("ownerId").GetGuid());
    }

    [Fact]
    public async Task A_non_member_gets_404_for_everything_under_a_conversation()
    {
        var (ann, bob, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var direct = await Chat.DirectAsync(ann, bob);
        var group = await Chat.GroupAsync(ann, "private", bob);
        var message = await Chat.PostAsync(ann, group, "secret");
        var messageId = message.GetProperty("id").GetGuid();

        foreach (var id in new[] { direct, group, Guid.NewGuid() })
        {
            await (await eve.Client.GetAsync($"/api/v1/conversations/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.GetAsync($"/api/v1/conversations/{id}/messages")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { text = "hi", clientMessageId = "e1" }))
                .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/read", new { messageId })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/members", new { userIds = new[] { eve.Id } }))
                .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.PatchAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}", new { text = "mine now" }))
                .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await eve.Client.DeleteAsync($"/api/v1/conversations/{id}/messages/{messageId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        var list = await (await eve.Client.GetAsync("/api/v1/conversations")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Blocked_users_cannot_start_or_post_into_a_direct_conversation()
    {
        var (ann, bob, cat) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var existing = await Chat.DirectAsync(ann, bob);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.PostAsync($"/api/v1/users/{ann.Id}/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await cat.Client.PostAsync($"/api/v1/users/{ann.Id}/block", null)).StatusCode);

        await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{existing}/messages", new { text = "hello?", clientMessageId = "b1" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await bob.Client.PostAsJsonAsync($"/api/v1/conversations/{existing}/messages", new { text = "go away", clientMessageId = "b2" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { cat.Id } })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        await (await cat.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { ann.Id }, title = "g" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        Assert.Empty(await Chat.HistoryAsync(ann, existing));

        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.DeleteAsync($"/api/v1/users/{ann.Id}/block")).StatusCode);
        await Chat.PostAsync(ann, existing, "friends again");
    }

    [Fact]
    public async Task Bad_requests_get_problems_with_stable_codes()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());

        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = Array.Empty<Guid>() })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { ann.Id } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { Guid.NewGuid() } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { bob.Id }, title = new string('t', 101) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { bob.Id }, ownerId = bob.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        await (await ann.Client.PostAsync("/api/v1/conversations", new StringContent("{\"memberIds\": [", System.Text.Encoding.UTF8, "application/json")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        var anonymous = await app.CreateClient().GetAsync("/api/v1/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task The_list_shows_the_most_recent_activity_first_with_unread_counts_and_pages()
    {
        var me = await app.CreateUserAsync();
        var friends = new List<TestUser>();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var friend = await app.CreateUserAsync();
            friends.Add(friend);
            ids.Add(await Chat.DirectAsync(me, friend));
        }

        await Chat.PostAsync(friends[0], ids[0], "old news");
        await Chat.PostAsync(friends[0], ids[0], "still old");

        var first = await (await me.Client.GetAsync("/api/v1/conversations?limit=2")).ShouldBeAsync(HttpStatusCode.OK);
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([ids[0], ids[2]], items.Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(2, items[0].GetProperty("unreadCount").GetInt64());
        Assert.Equal("still old", items[0].GetProperty("lastMessage").GetProperty("text").GetString());
        Assert.Equal(friends[0].Id, items[0].GetProperty("peer").GetProperty("id").GetGuid());
        Assert.Equal(2, items[0].GetProperty("memberCount").GetInt32());
        var second = await (await me.Client.GetAsync($"/api/v1/conversations?limit=2&cursor={first.GetProperty("nextCursor").GetString()}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([ids[1]], second.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var last = items[0].GetProperty("lastMessage").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await me.Client.PostAsJsonAsync($"/api/v1/conversations/{ids[0]}/read", new { messageId = last })).StatusCode);
        var after = await (await me.Client.GetAsync($"/api/v1/conversations/{ids[0]}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, after.GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, after.GetProperty("lastReadSequence").GetInt64());
    }
}
