using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Messaging;

/// <summary><c>/api/v1/conversations/{id}/messages</c>: history, validation, edits and tombstones.</summary>
public sealed class MessagesApiTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task History_is_newest_first_in_cursor_pages_and_after_a_sequence_oldest_first()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        for (var i = 1; i <= 7; i++)
        {
            await Chat.PostAsync(i % 2 == 0 ? bob : ann, id, $"m{i}");
        }

        var page = await (await bob.Client.GetAsync($"/api/v1/conversations/{id}/messages?limit=3")).ShouldBeAsync(HttpStatusCode.OK);
        var texts = page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal(["m7", "m6", "m5"], texts);
        var older = new List<string?>();
        var cursor = page.GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var next = await (await bob.Client.GetAsync($"/api/v1/conversations/{id}/messages?limit=3&cursor={cursor}")).ShouldBeAsync(HttpStatusCode.OK);
            older.AddRange(next.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
            cursor = next.GetProperty("nextCursor").GetString();
        }

        Assert.Equal(["m4", "m3", "m2", "m1"], older);

        var after = await (await bob.Client.GetAsync($"/api/v1/conversations/{id}/messages?after=2&limit=3")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([3L, 4, 5], after.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt64()));
        var rest = await (await bob.Client.GetAsync($"/api/v1/conversations/{id}/messages?limit=3&cursor={after.GetProperty("nextCursor").GetString()}"))
            .ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal([6L, 7], rest.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt64()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Bad_paging_and_bad_messages_are_refused_with_field_errors()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);

        await (await ann.Client.GetAsync($"/api/v1/conversations/{id}/messages?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.GetAsync($"/api/v1/conversations/{id}/messages?cursor=garbage")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.GetAsync($"/api/v1/conversations/{id}/messages?cursor=YTEyMw%21%21")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.GetAsync($"/api/v1/conversations/{id}/messages?after=-1")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var (text, clientMessageId, field) in new[]
        {
            ("", "a", "text"), ("   ", "b", "text"), (new string('x', 4001), "c", "text"), ("nul\u0000", "d", "text"),
            ("fine", "", "clientMessageId"), ("fine", new string('k', 101), "clientMessageId"), ("fine", "has space", "clientMessageId"),
        })
        {
            var refused = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { text, clientMessageId });
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        }

        var loneSurrogate = new StringContent("{\"text\":\"lone \\ud800 surrogate\",\"clientMessageId\":\"s\"}", System.Text.Encoding.UTF8, "application/json");
        var surrogate = await ann.Client.PostAsync($"/api/v1/conversations/{id}/messages", loneSurrogate);
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
        await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { text = "hi", clientMessageId = "z", senderId = bob.Id }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.Empty(await Chat.HistoryAsync(ann, id));
        var unicode = await Chat.PostAsync(ann, id, "emoji 🎉 and accents é, tabs\tand\nnewlines");
        Assert.Equal("emoji 🎉 and accents é, tabs\tand\nnewlines", unicode.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Only_the_author_edits_or_deletes_and_a_deletion_leaves_a_tombstone()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        var message = await Chat.PostAsync(ann, id, "first draft");
        var messageId = message.GetProperty("id").GetGuid();
        await Chat.PostAsync(bob, id, "reply");

        await (await bob.Client.PatchAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}", new { text = "hijacked" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_author");
        await (await bob.Client.DeleteAsync($"/api/v1/conversations/{id}/messages/{messageId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "not_author");
        var edited = await (await ann.Client.PatchAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}", new { text = "final" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("final", edited.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, edited.GetProperty("editedAt").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.DeleteAsync($"/api/v1/conversations/{id}/messages/{messageId}")).StatusCode);
        await (await ann.Client.PatchAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}", new { text = "undo" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "message_deleted");

        var history = await Chat.HistoryAsync(bob, id);
        var tombstone = history.Single(m => m.GetProperty("id").GetGuid() == messageId);
        Assert.Equal(JsonValueKind.Null, tombstone.GetProperty("text").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, tombstone.GetProperty("deletedAt").ValueKind);
        Assert.Equal(1, tombstone.GetProperty("sequence").GetInt64());
        Assert.Equal([2L, 1], history.Select(m => m.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task Read_markers_only_move_forward()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        var one = (await Chat.PostAsync(ann, id, "one")).GetProperty("id").GetGuid();
        var two = (await Chat.PostAsync(ann, id, "two")).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/read", new { messageId = two })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/read", new { messageId = one })).StatusCode);
        await (await bob.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/read", new { messageId = Guid.NewGuid() })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await bob.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/read", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var conversation = await (await bob.Client.GetAsync($"/api/v1/conversations/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(2, conversation.GetProperty("lastReadSequence").GetInt64());
        Assert.Equal(2, conversation.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == bob.Id).GetProperty("lastReadSequence").GetInt64());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_chat_and_notification_endpoints()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/v1/conversations", "/api/v1/conversations/{id}/messages", "/api/v1/conversations/{id}/members/{userId}", "/api/v1/attachments",
            "/api/v1/notifications", "/api/v1/notifications/read", "/api/v1/users/{id}/presence",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }
}
