using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Content;
using Spotlight.Moderation;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Content.Posts;

/// <summary>The wallet's test server (creators, plans, coins) with the calls posts' tests make, and the content events it delivered.</summary>
public class PostsApp : WalletApp
{
    public ContentEventLog Events { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        base.ConfigureTestServices(services);
        services.AddSingleton(Events);
        services.AddEventHandler<PostPublished, PublishedRecorder>();
        services.AddEventHandler<UsersMentioned, MentionRecorder>();
        services.AddEventHandler<PostLiked, LikeRecorder>();
        services.AddEventHandler<CommentAdded, CommentRecorder>();
    }

    public async Task<(TestUser Creator, Guid PlanId)> CreatorWithPlanAsync(long price = 100)
    {
        var creator = await CreatorAsync();
        return (creator, await PlanAsync(creator, price));
    }

    public static async Task<Guid> PlanAsync(TestUser creator, long price = 100)
    {
        var plan = await (await creator.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Fan club", price })).ShouldBeAsync(HttpStatusCode.Created);
        return plan.GetProperty("id").GetGuid();
    }

    /// <summary>Funds the subscriber and subscribes through the real flow.</summary>
    public async Task<Guid> SubscribeAsync(TestUser subscriber, TestUser creator, Guid planId)
    {
        await FundAsync(subscriber.Id, 1_000);
        var sub = await (await subscriber.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })).ShouldBeAsync(HttpStatusCode.Created);
        return sub.GetProperty("id").GetGuid();
    }

    /// <summary>A moderator's decision as the moderation feature applies it: through the content's report target.</summary>
    public async Task ApplyAsync(string type, Guid id, ContentDecision decision, string reason = "breaks the rules")
    {
        await using var scope = Services.CreateAsyncScope();
        var target = scope.ServiceProvider.GetServices<IReportTarget>().Single(t => t.Type == type);
        Assert.True(await target.ApplyAsync(id, decision, reason, CancellationToken.None));
    }

    public async Task<ReportTargetSnapshot?> FindTargetAsync(string type, Guid id, Guid? viewerId)
    {
        await using var scope = Services.CreateAsyncScope();
        var target = scope.ServiceProvider.GetServices<IReportTarget>().Single(t => t.Type == type);
        return await target.FindAsync(id, viewerId, CancellationToken.None);
    }

    public static async Task<JsonElement> PostAsync(TestUser author, object body) =>
        await (await author.Client.PostAsJsonAsync("/api/v1/posts", body)).ShouldBeAsync(HttpStatusCode.Created);

    public static async Task<Guid> PostIdAsync(TestUser author, object body) => (await PostAsync(author, body)).GetProperty("id").GetGuid();

    public static async Task<Guid> CommentAsync(TestUser author, Guid postId, string text, Guid? parentId = null) =>
        (await (await author.Client.PostAsJsonAsync($"/api/v1/posts/{postId}/comments", new { text, parentId })).ShouldBeAsync(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    public static async Task FollowAsync(TestUser follower, TestUser followee) =>
        await (await follower.Client.PostAsync($"/api/v1/users/{followee.Id}/follow", null)).ShouldBeAsync(HttpStatusCode.NoContent);

    public static async Task BlockAsync(TestUser blocker, TestUser blocked) =>
        await (await blocker.Client.PostAsync($"/api/v1/users/{blocked.Id}/block", null)).ShouldBeAsync(HttpStatusCode.NoContent);

    /// <summary>Every page of a list, following nextCursor; each page's ids in order.</summary>
    public static async Task<List<List<Guid>>> PagesAsync(HttpClient client, string path, int limit, string? from = null)
    {
        var pages = new List<List<Guid>>();
        var cursor = from;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await (await client.GetAsync($"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"))).ShouldBeAsync(HttpStatusCode.OK);
            pages.Add(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count < 100);

        return pages;
    }

    public static async Task<List<Guid>> IdsAsync(HttpClient client, string path) =>
        (await (await client.GetAsync(path)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
}

/// <summary>The content events delivered by the outbox while the tests ran.</summary>
public sealed class ContentEventLog
{
    private readonly ConcurrentQueue<object> _events = new();

    public void Add(object domainEvent) => _events.Enqueue(domainEvent);

    public IReadOnlyList<T> Of<T>() => _events.OfType<T>().ToList();

    public async Task<T> WaitForAsync<T>(Func<T, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            if (_events.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No {typeof(T).Name} was delivered within 10 s.");
    }
}

public sealed class PublishedRecorder(ContentEventLog log) : IDomainEventHandler<PostPublished>
{
    public Task HandleAsync(PostPublished domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        log.Add(domainEvent);
        return Task.CompletedTask;
    }
}

public sealed class MentionRecorder(ContentEventLog log) : IDomainEventHandler<UsersMentioned>
{
    public Task HandleAsync(UsersMentioned domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        log.Add(domainEvent);
        return Task.CompletedTask;
    }
}

public sealed class LikeRecorder(ContentEventLog log) : IDomainEventHandler<PostLiked>
{
    public Task HandleAsync(PostLiked domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        log.Add(domainEvent);
        return Task.CompletedTask;
    }
}

public sealed class CommentRecorder(ContentEventLog log) : IDomainEventHandler<CommentAdded>
{
    public Task HandleAsync(CommentAdded domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        log.Add(domainEvent);
        return Task.CompletedTask;
    }
}
