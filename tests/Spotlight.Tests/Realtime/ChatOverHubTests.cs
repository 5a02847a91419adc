using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Messaging.Messages;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Realtime;

/// <summary>Conversations over the hub: who receives what, bad input, replays, floods and catching up after a reconnect.</summary>
public sealed class ChatOverHubTests(ChatOverHubTests.App app) : IClassFixture<ChatOverHubTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:InvocationsPerSecond"] = "20",
            ["Realtime:RefusalsBeforeDisconnect"] = "100",
        };
    }

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    [Fact]
    public async Task Two_users_exchange_messages_over_the_hub_and_a_non_member_hears_nothing()
    {
        var (ann, bob, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await using var eveHub = await app.ConnectHubAsync(eve);

        var sent = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "c-1", "hi bob");
        Assert.Equal("hi bob", sent.GetProperty("text").GetString());
        Assert.Equal(1, sent.GetProperty("sequence").GetInt64());
        var atBob = await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == sent.GetProperty("id").GetGuid());
        Assert.Equal(ann.Id, atBob.GetProperty("senderId").GetGuid());

        var reply = await bobHub.InvokeAsync("SendMessage", conversation.ToString(), "c-1", "hi ann");
        await annHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == reply.GetProperty("id").GetGuid());

        var intrusion = await eveHub.TryInvokeAsync("SendMessage", conversation.ToString(), "c-1", "let me in");
        Assert.Equal("not_found", intrusion.Code);
        await Task.Delay(Quiet);
        Assert.Empty(eveHub.EventsOf("message"));
        Assert.Equal(2, (await Chat.HistoryAsync(ann, conversation)).Count);
    }

    [Fact]
    public async Task A_message_posted_over_rest_reaches_the_members_over_the_hub()
    {
        var (ann, bob, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await using var eveHub = await app.ConnectHubAsync(eve);

        var posted = await Chat.PostAsync(ann, conversation, "over rest");

        var received = await bobHub.WaitForAsync("message");
        Assert.Equal(posted.GetProperty("id").GetGuid(), received.GetProperty("id").GetGuid());
        Assert.Equal("over rest", received.GetProperty("text").GetString());
        var forEve = await eve.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages", new { text = "x", clientMessageId = "e" });
        await forEve.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await Task.Delay(Quiet);
        Assert.Empty(eveHub.EventsOf("message"));
    }

    [Fact]
    public async Task A_user_on_two_connections_gets_every_event_on_both()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobPhone = await app.ConnectHubAsync(bob);
        await using var bobLaptop = await app.ConnectHubAsync(bob);

        var message = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "m1", "hello");
        await annHub.InvokeAsync("Typing", conversation.ToString());
        await bobPhone.WaitForAsync("message");
        await bobPhone.InvokeAsync("MarkRead", conversation.ToString(), message.GetProperty("id").GetString());

        foreach (var device in new[] { bobPhone, bobLaptop })
        {
            await device.WaitForAsync("message", m => m.GetProperty("text").GetString() == "hello");
            await device.WaitForAsync("typing", t => t.GetProperty("userId").GetGuid() == ann.Id);
            await device.WaitForAsync("read", r => r.GetProperty("userId").GetGuid() == bob.Id);
        }

        var read = await annHub.WaitForAsync("read");
        Assert.Equal(1, read.GetProperty("sequence").GetInt64());
        Assert.Empty(annHub.EventsOf("typing")); // the typist does not hear their own typing
    }

    [Fact]
    public async Task Bad_input_gets_an_error_for_the_caller_only_and_the_hub_keeps_serving()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = (await Chat.DirectAsync(ann, bob)).ToString();
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);

        Assert.Equal("not_found", (await annHub.TryInvokeAsync("SendMessage", Guid.NewGuid().ToString(), "x1", "to nowhere")).Code);
        Assert.Equal("not_found", (await annHub.TryInvokeAsync("SendMessage", "not-an-id", "x2", "to nowhere")).Code);
        Assert.Equal("validation_failed", (await annHub.TryInvokeAsync("SendMessage", conversation, "x3", "")).Code);
        Assert.Equal("validation_failed", (await annHub.TryInvokeAsync("SendMessage", conversation, "x4", new string('a', 4001))).Code);
        Assert.Equal("validation_failed", (await annHub.TryInvokeAsync("SendMessage", conversation, "", "no client id")).Code);
        Assert.Equal("validation_failed", (await annHub.TryInvokeAsync("SendMessage", conversation, "x5", "nul \u0000 inside")).Code);
        var wrongTypes = await annHub.TryInvokeAsync("SendMessage", 42, true, new { text = "object" });
        Assert.NotNull(wrongTypes.Error);
        var wrongCount = await annHub.TryInvokeAsync("SendMessage", conversation);
        Assert.NotNull(wrongCount.Error);
        Assert.NotNull((await annHub.TryInvokeAsync("NoSuchMethod", conversation)).Error);

        Assert.True(annHub.IsOpen);
        var longest = await annHub.InvokeAsync("SendMessage", conversation, "x6", new string('a', 4000));
        Assert.Equal(4000, longest.GetProperty("text").GetString()!.Length);
        await bobHub.WaitForAsync("message", m => m.GetProperty("clientMessageId").GetString() == "x6");
        Assert.Single(bobHub.EventsOf("message"));
    }

    [Fact]
    public async Task A_repeated_client_message_id_stores_one_message()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var annTablet = await app.ConnectHubAsync(ann);

        var first = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "same-id", "once");
        var again = await annTablet.InvokeAsync("SendMessage", conversation.ToString(), "same-id", "once");
        var overRest = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages", new { text = "once", clientMessageId = "same-id" });
        var replayed = await overRest.ShouldBeAsync(HttpStatusCode.Created);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            ann.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages", new { text = "once", clientMessageId = "same-id" })));

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal("true", overRest.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Message>().CountAsync(m => m.ConversationId == conversation)));
        var next = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "other-id", "second");
        Assert.Equal(2, next.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_flood_of_invocations_is_limited_and_other_users_are_unaffected()
    {
        var (flooder, ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var floodTarget = (await Chat.DirectAsync(flooder, ann)).ToString();
        var conversation = (await Chat.DirectAsync(ann, bob)).ToString();
        await using var flood = await app.ConnectHubAsync(flooder);
        await using var annHub = await app.ConnectHubAsync(ann);
        await using var bobHub = await app.ConnectHubAsync(bob);

        var started = DateTime.UtcNow;
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => flood.StartInvocationAsync("Typing", floodTarget)));
        var elapsed = DateTime.UtcNow - started;

        // A repeat offender is disconnected (which may cut off completions not yet flushed: count what the server did).
        await flood.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(Quiet);
        var served = annHub.EventsOf("typing").Count;
        var outcomes = string.Join(", ", answers.GroupBy(a => a.Code ?? a.Error ?? "ok").Select(g => $"{g.Key} x{g.Count()}"));
        Assert.True(served >= 1 && served <= 20 + (int)Math.Ceiling(elapsed.TotalSeconds * 20), $"{served} served; {outcomes}");
        Assert.All(answers.Where(a => a.Code is not null), a => Assert.Equal("rate_limited", a.Code));

        var sent = DateTime.UtcNow;
        var message = await annHub.InvokeAsync("SendMessage", conversation, "calm", "still fine");
        await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == message.GetProperty("id").GetGuid());
        Assert.True(DateTime.UtcNow - sent < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_caller_over_the_rate_gets_rate_limited_errors_and_keeps_its_connection_below_the_disconnect_threshold()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = (await Chat.DirectAsync(ann, bob)).ToString();
        await using var annHub = await app.ConnectHubAsync(ann);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => annHub.StartInvocationAsync("Typing", conversation)));

        Assert.Contains(answers, a => a.Code == "rate_limited");
        Assert.Contains(answers, a => a.Error is null);
        Assert.True(annHub.IsOpen);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        Assert.Null((await annHub.TryInvokeAsync("Typing", conversation)).Error);
    }

    [Fact]
    public async Task A_client_that_reconnects_gets_what_it_missed_exactly_once_and_in_order()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var annHub = await app.ConnectHubAsync(ann);
        var bobHub = await app.ConnectHubAsync(bob);
        for (var i = 1; i <= 3; i++)
        {
            await annHub.InvokeAsync("SendMessage", conversation.ToString(), $"before-{i}", $"before {i}");
        }

        var seen = await bobHub.WaitForCountAsync("message", 3);
        var lastSeen = seen.Max(m => m.GetProperty("sequence").GetInt64());
        bobHub.Abort();
        await bobHub.DisposeAsync();

        for (var i = 1; i <= 5; i++)
        {
            await annHub.InvokeAsync("SendMessage", conversation.ToString(), $"away-{i}", $"away {i}");
        }

        await using var back = await app.ConnectHubAsync(bob);
        var missed = await Chat.HistoryAsync(bob, conversation, $"?after={lastSeen}");
        var missedOverHub = (await back.InvokeAsync("GetMessagesAfter", conversation.ToString(), lastSeen)).GetProperty("items").EnumerateArray().ToList();
        var after = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "after", "after reconnect");
        await back.WaitForAsync("message", m => m.GetProperty("clientMessageId").GetString() == "after");

        Assert.Equal(["away 1", "away 2", "away 3", "away 4", "away 5"], missed.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal([4L, 5, 6, 7, 8], missed.Select(m => m.GetProperty("sequence").GetInt64()));
        Assert.Equal(missed.Select(m => m.GetProperty("id").GetGuid()), missedOverHub.Select(m => m.GetProperty("id").GetGuid()));

        // A message still in flight when the client reconnected may also come live: the client keeps what it has by
        // sequence. The connection itself never gets a message twice, and the merged timeline has no gap and no repeat.
        var live = back.EventsOf("message");
        Assert.Equal(live.Count, live.Select(m => m.GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Contains(live, m => m.GetProperty("id").GetGuid() == after.GetProperty("id").GetGuid());
        var timeline = missed.Concat(live).Select(m => m.GetProperty("sequence").GetInt64()).Distinct().Order();
        Assert.Equal([4L, 5, 6, 7, 8, 9], timeline);
    }

    [Fact]
    public async Task A_removed_member_stops_receiving_the_groups_messages()
    {
        var (owner, stays, leaves) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var group = await Chat.GroupAsync(owner, "team", stays, leaves);
        await using var ownerHub = await app.ConnectHubAsync(owner);
        await using var staysHub = await app.ConnectHubAsync(stays);
        await using var leavesHub = await app.ConnectHubAsync(leaves);
        await ownerHub.InvokeAsync("SendMessage", group.ToString(), "1", "all three");
        await leavesHub.WaitForAsync("message");

        var removed = await owner.Client.DeleteAsync($"/api/v1/conversations/{group}/members/{leaves.Id}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var notice = await leavesHub.WaitForAsync("conversation", c => c.GetProperty("change").GetString() == "removed");
        Assert.Equal(group, notice.GetProperty("conversationId").GetGuid());
        await ownerHub.InvokeAsync("SendMessage", group.ToString(), "2", "two of us");

        await staysHub.WaitForAsync("message", m => m.GetProperty("text").GetString() == "two of us");
        await Task.Delay(Quiet);
        Assert.DoesNotContain(leavesHub.EventsOf("message"), m => m.GetProperty("text").GetString() == "two of us");
        Assert.Equal("not_found", (await leavesHub.TryInvokeAsync("SendMessage", group.ToString(), "3", "still here?")).Code);
    }

    [Fact]
    public async Task Events_of_a_conversation_reach_clients_in_sequence_order()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Chat.PostRetryingAsync(i % 2 == 0 ? ann : bob, conversation, $"m{i}")));

        var received = await bobHub.WaitForCountAsync("message", 100);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), received.Select(m => m.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task Edits_and_deletions_reach_the_members_as_the_messages_new_state()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        await using var bobHub = await app.ConnectHubAsync(bob);
        var message = await Chat.PostAsync(ann, conversation, "typo");
        var id = message.GetProperty("id").GetGuid();

        (await ann.Client.PatchAsJsonAsync($"/api/v1/conversations/{conversation}/messages/{id}", new { text = "fixed" })).EnsureSuccessStatusCode();
        var edited = await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == id && m.GetProperty("text").GetString() == "fixed");
        Assert.Equal(1, edited.GetProperty("sequence").GetInt64());
        (await ann.Client.DeleteAsync($"/api/v1/conversations/{conversation}/messages/{id}")).EnsureSuccessStatusCode();
        var tombstone = await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == id && m.GetProperty("deletedAt").ValueKind != JsonValueKind.Null);
        Assert.Equal(JsonValueKind.Null, tombstone.GetProperty("text").ValueKind);
    }

    [Fact]
    public async Task A_member_added_to_a_group_receives_from_the_next_message_on()
    {
        var (owner, newcomer) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var friend = await app.CreateUserAsync();
        var group = await Chat.GroupAsync(owner, "growing", friend);
        await using var ownerHub = await app.ConnectHubAsync(owner);
        await using var newcomerHub = await app.ConnectHubAsync(newcomer);
        await ownerHub.InvokeAsync("SendMessage", group.ToString(), "1", "before you came");

        (await owner.Client.PostAsJsonAsync($"/api/v1/conversations/{group}/members", new { userIds = new[] { newcomer.Id } })).EnsureSuccessStatusCode();
        await newcomerHub.WaitForAsync("conversation", c => c.GetProperty("conversationId").GetGuid() == group);
        await ownerHub.InvokeAsync("SendMessage", group.ToString(), "2", "welcome");

        await newcomerHub.WaitForAsync("message", m => m.GetProperty("text").GetString() == "welcome");
        Assert.Single(newcomerHub.EventsOf("message"));
    }
}
