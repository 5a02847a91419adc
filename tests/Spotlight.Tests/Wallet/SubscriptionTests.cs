using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Tests.Wallet;

/// <summary>Each test moves the clock forward, so each runs on an app of its own.</summary>
public sealed class SubscriptionTests : IAsyncLifetime
{
    private readonly WalletApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    private async Task<(TestUser Creator, Guid PlanId)> CreatorWithPlanAsync(long price = 100)
    {
        var creator = await _app.CreatorAsync();
        var plan = await (await creator.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Fan club", price })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(price, plan.GetProperty("price").GetInt64());
        return (creator, plan.GetProperty("id").GetGuid());
    }

    private static async Task<JsonElement> SubscribeAsync(TestUser subscriber, TestUser creator, Guid planId) =>
        await (await subscriber.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })).ShouldBeAsync(HttpStatusCode.Created);

    /// <summary>Moves time on, then signs the given users in again (their access tokens have expired).</summary>
    private async Task<TestUser[]> AdvanceAsync(TimeSpan by, params TestUser[] users)
    {
        _app.Clock.Advance(by);
        return await Task.WhenAll(users.Select(_app.SignInAsync));
    }

    private async Task<string[]> RunRenewalsAsync(int workers = 1)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var job = scope.ServiceProvider.GetRequiredService<SubscriptionRenewalJob>();
            await job.RunAsync(new JobRun(Guid.NewGuid(), SubscriptionRenewalJob.JobType, null, 1), CancellationToken.None);
            return job.Type;
        }));
        return results;
    }

    private static (TestUser, TestUser) Pair(TestUser[] users) => (users[0], users[1]);

    private Task<Subscription> ReadAsync(Guid id) => _app.WithDbAsync(db => db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.Id == id));

    private Task<int> ChargesAsync(Guid subscriptionId) =>
        _app.WithDbAsync(db => db.Set<LedgerTransaction>().CountAsync(t => t.Type == TransactionType.Subscription && t.Reference!.StartsWith($"subscription:{subscriptionId}:")));

    [Fact]
    public async Task Subscribing_charges_the_first_period_by_the_subscription_split()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 150);

        var subscription = await SubscribeAsync(fan, creator, planId);

        Assert.Equal("active", subscription.GetProperty("status").GetString());
        var split = subscription.GetProperty("split");
        Assert.Equal((70, 25, 5), (split.GetProperty("creator").GetInt64(), split.GetProperty("platform").GetInt64(), split.GetProperty("processor").GetInt64()));
        var periodEnd = subscription.GetProperty("currentPeriodEnd").GetDateTime();
        Assert.InRange(periodEnd - _app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));
        Assert.Equal(50, await _app.BalanceAsync(fan));
        Assert.Equal(70, await _app.EarningsAsync(creator));

        await (await fan.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_subscribed");
        var broke = await _app.CreateUserAsync();
        await (await broke.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");

        var mine = await (await fan.Client.GetAsync("/api/v1/subscriptions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(subscription.GetProperty("id").GetGuid(), mine.GetProperty("items")[0].GetProperty("id").GetGuid());
        var subscribers = await (await creator.Client.GetAsync("/api/v1/creator/subscribers")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(fan.Id, subscribers.GetProperty("items")[0].GetProperty("subscriberId").GetGuid());
        var plans = await (await fan.Client.GetAsync($"/api/v1/creators/{creator.Id}/plans")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(planId, plans[0].GetProperty("id").GetGuid());
        await _app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Concurrent_subscribes_with_different_keys_make_one_subscription()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 10);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 1000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fan.Client.PostMoneyAsync($"/api/v1/creators/{creator.Id}/subscriptions", new { planId })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(990, await _app.BalanceAsync(fan));
        await _app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Only_creators_offer_plans()
    {
        var user = await _app.CreateUserAsync();
        var response = await user.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Nope", price = 10 });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<(TestUser Fan, TestUser Creator, Guid SubscriptionId)> SubscriptionToABannedCreatorAsync()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 1000);
        var id = (await SubscribeAsync(fan, creator, planId)).GetProperty("id").GetGuid();
        var admin = await _app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{creator.Id}/ban", new { reason = "fraud" })).ShouldBeAsync(HttpStatusCode.OK);
        fan = (await AdvanceAsync(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1), fan))[0];
        return (fan, creator, id);
    }

    [Fact]
    public async Task A_banned_creators_subscription_is_paused_uncharged_and_renews_after_the_unban()
    {
        var (fan, creator, id) = await SubscriptionToABannedCreatorAsync();
        await RunRenewalsAsync();
        await RunRenewalsAsync(); // the second run finds it paused and charges nothing either
        Assert.Equal(1, await ChargesAsync(id));
        Assert.Equal(900, await _app.BalanceAsync(fan));
        var paused = await (await fan.Client.GetAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("paused", paused.GetProperty("status").GetString());
        Assert.False(paused.GetProperty("hasAccess").GetBoolean());

        var admin = await _app.AdminAsync();
        await (await admin.Client.PostAsync($"/api/v1/admin/users/{creator.Id}/unban", null)).ShouldBeAsync(HttpStatusCode.OK);
        await RunRenewalsAsync();
        var renewed = await ReadAsync(id);
        Assert.Equal((SubscriptionStatus.Active, 2), (renewed.Status, await ChargesAsync(id)));
        Assert.InRange(renewed.CurrentPeriodEnd - _app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));
        Assert.Equal(800, await _app.BalanceAsync(fan));
        await _app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_paused_subscription_canceled_by_its_subscriber_ends_at_once()
    {
        var (fan, _, id) = await SubscriptionToABannedCreatorAsync();
        await RunRenewalsAsync();
        var canceled = await (await fan.Client.DeleteAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.False(canceled.GetProperty("hasAccess").GetBoolean());
        await RunRenewalsAsync();
        Assert.Equal(1, await ChargesAsync(id));
    }

    [Fact]
    public async Task Two_workers_renewing_at_the_same_moment_charge_the_period_once()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 1000);
        var id = (await SubscribeAsync(fan, creator, planId)).GetProperty("id").GetGuid();
        var firstEnd = (await ReadAsync(id)).CurrentPeriodEnd;

        (fan, creator) = Pair(await AdvanceAsync(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1), fan, creator));
        await RunRenewalsAsync(workers: 2);
        await RunRenewalsAsync(workers: 2);

        var renewed = await ReadAsync(id);
        Assert.Equal("active", renewed.Status);
        Assert.Equal(2, renewed.PeriodNumber);
        Assert.Equal(firstEnd, renewed.CurrentPeriodStart);
        Assert.Equal(firstEnd + Subscription.Period, renewed.CurrentPeriodEnd);
        Assert.Equal(2, await ChargesAsync(id));
        Assert.Equal(800, await _app.BalanceAsync(fan));
        Assert.Equal(140, await _app.EarningsAsync(creator));
        await _app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_renewal_without_coins_goes_past_due_then_expires_after_the_grace_period()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 100);
        var id = (await SubscribeAsync(fan, creator, planId)).GetProperty("id").GetGuid();

        _app.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await RunRenewalsAsync();
        var pastDue = await ReadAsync(id);
        Assert.Equal("past_due", pastDue.Status);
        Assert.True(pastDue.HasAccess(_app.Clock.GetUtcNow().UtcDateTime), "access continues through the grace period");

        _app.Clock.Advance(TimeSpan.FromDays(2));
        await RunRenewalsAsync();
        Assert.Equal("past_due", (await ReadAsync(id)).Status);

        (fan, creator) = Pair(await AdvanceAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1), fan, creator));
        await RunRenewalsAsync();
        var expired = await ReadAsync(id);
        Assert.Equal("expired", expired.Status);
        Assert.Null(expired.LiveKey);
        Assert.Equal(1, await ChargesAsync(id));
        Assert.Equal(0, await _app.BalanceAsync(fan));

        // Expired, the pair is free again: subscribing anew is allowed.
        await _app.FundAsync(fan.Id, 100);
        await SubscribeAsync(fan, creator, planId);
        await _app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_past_due_subscription_recovers_when_coins_arrive_within_the_grace_period()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 100);
        var id = (await SubscribeAsync(fan, creator, planId)).GetProperty("id").GetGuid();
        _app.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await RunRenewalsAsync();
        Assert.Equal("past_due", (await ReadAsync(id)).Status);

        await _app.FundAsync(fan.Id, 100);
        _app.Clock.Advance(TimeSpan.FromDays(1));
        await RunRenewalsAsync();
        var recovered = await ReadAsync(id);
        Assert.Equal("active", recovered.Status);
        Assert.Null(recovered.PastDueSince);
        Assert.InRange(recovered.CurrentPeriodEnd - _app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));
        Assert.Equal(2, await ChargesAsync(id));
    }

    [Fact]
    public async Task Cancel_keeps_access_to_the_period_end_and_then_expires_without_a_charge()
    {
        var (creator, planId) = await CreatorWithPlanAsync(price: 100);
        var fan = await _app.CreateUserAsync();
        await _app.FundAsync(fan.Id, 500);
        var id = (await SubscribeAsync(fan, creator, planId)).GetProperty("id").GetGuid();

        var canceled = await (await fan.Client.DeleteAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.True(canceled.GetProperty("hasAccess").GetBoolean());

        (fan, creator) = Pair(await AdvanceAsync(TimeSpan.FromDays(29), fan, creator));
        await RunRenewalsAsync();
        var stillOn = await (await fan.Client.GetAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("canceled", stillOn.GetProperty("status").GetString());
        Assert.True(stillOn.GetProperty("hasAccess").GetBoolean());

        (fan, creator) = Pair(await AdvanceAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1), fan, creator));
        await RunRenewalsAsync();
        var ended = await (await fan.Client.GetAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("expired", ended.GetProperty("status").GetString());
        Assert.False(ended.GetProperty("hasAccess").GetBoolean());
        Assert.Equal(400, await _app.BalanceAsync(fan));
        Assert.Equal(1, await ChargesAsync(id));
    }
}
