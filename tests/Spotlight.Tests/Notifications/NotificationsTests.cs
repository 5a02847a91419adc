using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Notifications;
using Spotlight.Notifications.Delivery;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Notifications;

/// <summary>An event of another module, to prove that subscribing a notification to any event is one line.</summary>
public sealed record TestEventHappened(Guid UserId, string What) : IDomainEvent;

/// <summary>Stored notifications, shown live, listed and marked read by their owner only, and sent out through the outbox.</summary>
public sealed class NotificationsTests(NotificationsTests.App app) : IClassFixture<NotificationsTests.App>
{
    public sealed class App : SpotlightApp
    {
        public RecordingPushProvider Push { get; } = new();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Notifications:DeliveryIntervalSeconds"] = "1",
            ["Notifications:MaxAttempts"] = "3",
        };

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            services.AddSingleton<INotificationProvider>(Push);
            services.AddNotification<TestEventHappened>(e => new NotificationDraft(e.UserId, NotificationTypes.Moderation, Data: new { e.What }));
        }
    }

    /// <summary>A push provider that records what it is given and fails on demand, as a real one does when FCM is down.</summary>
    public sealed class RecordingPushProvider : INotificationProvider
    {
        public ConcurrentQueue<OutgoingNotification> Attempts { get; } = new();

        public ConcurrentDictionary<Guid, bool> Failing { get; } = new();

        public string Channel => NotificationChannels.Push;

        public Task SendAsync(OutgoingNotification notification, CancellationToken cancellationToken)
        {
            Attempts.Enqueue(notification);
            return Failing.ContainsKey(notification.UserId) ? throw new HttpRequestException("FCM answered 503") : Task.CompletedTask;
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 15 s for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<List<JsonElement>> ListAsync(TestUser user, string query = "") =>
        (await (await user.Client.GetAsync("/api/v1/notifications" + query)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();

    private static async Task<long> UnreadAsync(TestUser user) =>
        (await (await user.Client.GetAsync("/api/v1/notifications/unread-count")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("count").GetInt64();

    [Fact]
    public async Task A_new_follower_is_notified_live_listed_and_marked_read()
    {
        var (creator, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var creatorHub = await app.ConnectHubAsync(creator);

        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null)).StatusCode);

        var live = await creatorHub.WaitForAsync("notification");
        Assert.Equal("follow", live.GetProperty("type").GetString());
        Assert.Equal(fan.Id, live.GetProperty("actor").GetProperty("id").GetGuid());
        Assert.Equal(fan.Handle, live.GetProperty("actor").GetProperty("handle").GetString());
        var listed = Assert.Single(await ListAsync(creator));
        Assert.Equal(live.GetProperty("id").GetGuid(), listed.GetProperty("id").GetGuid());
        Assert.Equal(1, await UnreadAsync(creator));

        var marked = await creator.Client.PostAsJsonAsync("/api/v1/notifications/read", new { ids = new[] { listed.GetProperty("id").GetGuid() } });
        Assert.Equal(0, (await marked.ShouldBeAsync(HttpStatusCode.OK)).GetProperty("count").GetInt64());
        Assert.Empty(await ListAsync(creator, "?unread=true"));
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(await ListAsync(creator)).GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task Following_again_after_unfollowing_does_not_notify_twice()
    {
        var (creator, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        for (var i = 0; i < 3; i++)
        {
            await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null);
            await fan.Client.DeleteAsync($"/api/v1/users/{creator.Id}/follow");
        }

        await EventuallyAsync(() => app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        Assert.Single(await ListAsync(creator));
    }

    [Fact]
    public async Task Users_see_and_mark_only_their_own_notifications()
    {
        var (creator, fan, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null);
        var theirs = (await EventuallyAsync(() => ListAsync(creator), l => l.Count == 1, "the follow notification"))[0].GetProperty("id").GetGuid();

        var attempt = await eve.Client.PostAsJsonAsync("/api/v1/notifications/read", new { ids = new[] { theirs } });
        await attempt.ShouldBeAsync(HttpStatusCode.OK);
        var all = await eve.Client.PostAsJsonAsync("/api/v1/notifications/read", new { all = true });
        await all.ShouldBeAsync(HttpStatusCode.OK);

        Assert.Empty(await ListAsync(eve));
        Assert.Equal(1, await UnreadAsync(creator));
        await (await eve.Client.PostAsJsonAsync("/api/v1/notifications/read", new { ids = new[] { theirs }, all = true }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await eve.Client.PostAsJsonAsync("/api/v1/notifications/read", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await eve.Client.PostAsJsonAsync("/api/v1/notifications/read", new { all = true, userId = creator.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
    }

    [Fact]
    public async Task A_message_to_an_offline_member_notifies_them_once_per_unread_conversation()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);

        await Chat.PostAsync(ann, conversation, "are you there?");
        await Chat.PostAsync(ann, conversation, "hello??");
        var notified = await EventuallyAsync(() => ListAsync(bob), l => l.Count >= 1, "a message notification");
        await EventuallyAsync(() => app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        var only = Assert.Single(await ListAsync(bob));
        Assert.Equal("message", only.GetProperty("type").GetString());
        Assert.Equal(conversation, only.GetProperty("subjectId").GetGuid());
        Assert.Equal(conversation, only.GetProperty("data").GetProperty("conversationId").GetGuid());
        Assert.Equal(ann.Id, notified[0].GetProperty("actor").GetProperty("id").GetGuid());

        await using var bobHub = await app.ConnectHubAsync(bob);
        await (await bob.Client.PostAsJsonAsync("/api/v1/notifications/read", new { all = true })).ShouldBeAsync(HttpStatusCode.OK);
        await Chat.PostAsync(ann, conversation, "now you are online");
        await bobHub.WaitForAsync("message", m => m.GetProperty("text").GetString() == "now you are online");
        await EventuallyAsync(() => app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the outbox to drain");
        Assert.Single(await ListAsync(bob));
        Assert.Empty(bobHub.EventsOf("notification"));
    }

    [Fact]
    public async Task Each_notification_is_pushed_once_through_the_provider()
    {
        var (creator, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null);

        var delivery = await EventuallyAsync(() => app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleOrDefaultAsync(d => d.UserId == creator.Id)),
            d => d?.SentAt is not null, "the push to be sent");
        Assert.Equal("push", delivery!.Channel);
        Assert.Equal(1, delivery.Attempts);
        var sent = Assert.Single(app.Push.Attempts, a => a.UserId == creator.Id);
        Assert.Equal(delivery.DedupeKey, sent.DedupeKey);
        Assert.Equal("follow", sent.Type);
        Assert.Equal("New follower", sent.Title);
    }

    [Fact]
    public async Task A_failing_push_is_retried_with_backoff_and_then_dead_lettered()
    {
        var (creator, fan) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        app.Push.Failing[creator.Id] = true;
        await fan.Client.PostAsync($"/api/v1/users/{creator.Id}/follow", null);

        var first = await EventuallyAsync(() => app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleOrDefaultAsync(d => d.UserId == creator.Id)),
            d => d?.Attempts == 1 && d.LockedUntil is null, "the first attempt");
        Assert.Null(first!.SentAt);
        Assert.Contains("FCM answered 503", first.LastError, StringComparison.Ordinal);
        Assert.Equal(2, (first.NextAttemptAt - app.Clock.GetUtcNow().UtcDateTime).TotalSeconds, 1.0); // 2^1 s

        for (var attempt = 2; attempt <= 3; attempt++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1) + 1));
            var expected = attempt;
            await EventuallyAsync(() => app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(d => d.UserId == creator.Id)),
                d => d.Attempts == expected && d.LockedUntil is null, $"attempt {attempt}");
        }

        var dead = await app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync(d => d.UserId == creator.Id));
        Assert.NotNull(dead.DeadAt);
        Assert.Null(dead.SentAt);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var tries = app.Push.Attempts.Where(a => a.UserId == creator.Id).ToList();
        Assert.Equal(3, tries.Count);
        Assert.Single(tries.Select(t => t.DedupeKey).Distinct());
        Assert.Equal([1, 2, 3], tries.Select(t => t.Attempt));
    }

    [Fact]
    public async Task A_rule_subscribed_to_another_modules_event_notifies_once_even_when_the_event_is_delivered_again()
    {
        var user = await app.CreateUserAsync();
        var events = app.Services.GetRequiredService<DomainEvents>();
        await app.WithDbAsync(async db =>
        {
            events.Raise(db, new TestEventHappened(user.Id, "a post was removed"));
            await db.SaveChangesAsync();
        });
        var notification = (await EventuallyAsync(() => ListAsync(user), l => l.Count == 1, "the rule's notification"))[0];
        Assert.Equal("moderation", notification.GetProperty("type").GetString());
        Assert.Equal("a post was removed", notification.GetProperty("data").GetProperty("what").GetString());

        // At-least-once: the relay delivers the same event again (as after a crash before it marked the row).
        var redelivered = await app.WithDbAsync(db => db.Set<OutboxMessage>()
            .Where(m => m.EventType == nameof(TestEventHappened) && m.Payload.Contains(user.Id.ToString()))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProcessedAt, (DateTime?)null)));
        Assert.Equal(1, redelivered);
        await EventuallyAsync(() => app.WithDbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.ProcessedAt == null)), n => n == 0, "the redelivery");
        Assert.Single(await ListAsync(user));
    }

    [Fact]
    public async Task Push_devices_are_registered_listed_masked_and_removed_by_their_owner_only()
    {
        var (ann, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var token = "fcm-token-" + Guid.NewGuid().ToString("N");
        var created = await (await ann.Client.PostAsJsonAsync("/api/v1/notifications/devices", new { token, platform = "android" })).ShouldBeAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(token[^6..], created.GetProperty("tokenEnding").GetString());
        Assert.DoesNotContain(token, created.GetRawText(), StringComparison.Ordinal);

        await (await ann.Client.PostAsJsonAsync("/api/v1/notifications/devices", new { token, platform = "toaster" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await eve.Client.DeleteAsync($"/api/v1/notifications/devices/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var listed = await (await ann.Client.GetAsync("/api/v1/notifications/devices")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(0, (await (await eve.Client.GetAsync("/api/v1/notifications/devices")).ShouldBeAsync(HttpStatusCode.OK)).GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.DeleteAsync($"/api/v1/notifications/devices/{id}")).StatusCode);
        Assert.Equal(0, (await (await ann.Client.GetAsync("/api/v1/notifications/devices")).ShouldBeAsync(HttpStatusCode.OK)).GetArrayLength());
    }
}
