using System.Net;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

public sealed class ConcurrencyTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task Two_hundred_concurrent_gifts_from_a_wallet_funded_for_one_hundred_let_exactly_one_hundred_through()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 100 * 10); // a star costs 10
        var revenueBefore = await app.PlatformBalanceAsync(LedgerAccountRef.Revenue);
        var feesBefore = await app.PlatformBalanceAsync(LedgerAccountRef.ProcessorFees);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "star", quantity = 1 })));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        }

        var split = RevenueSplit.Compute(10, new Spotlight.Wallet.SplitsOptions().Gift);
        Assert.Equal(0, await app.BalanceAsync(sender));
        Assert.Equal(100 * split.Creator, await app.EarningsAsync(creator));
        Assert.Equal(100 * split.Platform, await app.PlatformBalanceAsync(LedgerAccountRef.Revenue) - revenueBefore);
        Assert.Equal(100 * split.Processor, await app.PlatformBalanceAsync(LedgerAccountRef.ProcessorFees) - feesBefore);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Concurrent_first_gifts_to_brand_new_creators_all_land()
    {
        var senders = new List<TestUser>();
        for (var i = 0; i < 8; i++)
        {
            var sender = await app.CreateUserAsync();
            await app.FundAsync(sender.Id, 1000);
            senders.Add(sender);
        }

        var creators = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            creators.Add(await app.CreatorAsync());
        }

        // Every creator's earnings account is created by whichever of these credits comes first.
        var responses = await Task.WhenAll(creators.SelectMany(c => senders.Select(s =>
            s.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = c.Id, giftId = "rocket", quantity = 1 }))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        foreach (var creator in creators)
        {
            Assert.Equal(8 * 85, await app.EarningsAsync(creator));
        }

        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_storm_of_two_thousand_random_transfers_among_fifty_users_conserves_every_coin_without_deadlocks()
    {
        const int users = 50, transfers = 2000, funding = 1000;
        var people = new List<TestUser>();
        for (var i = 0; i < users; i++)
        {
            people.Add(await app.CreateUserAsync());
        }

        foreach (var person in people)
        {
            await app.FundAsync(person.Id, funding);
        }

        var random = new Random(4242);
        var plan = Enumerable.Range(0, transfers).Select(_ =>
        {
            var from = random.Next(users);
            var to = (from + 1 + random.Next(users - 1)) % users;
            return (From: people[from], To: people[to], Amount: random.Next(1, 120));
        }).ToList();

        // Many in flight at once, in both directions between the same pairs.
        using var gate = new SemaphoreSlim(64);
        var outcomes = await Task.WhenAll(plan.Select(async t =>
        {
            await gate.WaitAsync();
            try
            {
                var response = await t.From.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = t.To.Id, amount = t.Amount });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }
            finally
            {
                gate.Release();
            }
        }));

        var unexpected = outcomes.Where(o => o.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.PaymentRequired)).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} transfers failed, e.g. {(int)unexpected.FirstOrDefault().StatusCode} {unexpected.FirstOrDefault().Body}");
        Assert.Contains(outcomes, o => o.StatusCode == HttpStatusCode.Created);

        long total = 0;
        foreach (var person in people)
        {
            var balance = await app.BalanceAsync(person);
            Assert.True(balance >= 0);
            total += balance;
        }

        Assert.Equal(users * funding, total);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task The_same_gift_sent_twenty_times_at_once_with_one_key_moves_coins_once()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 1000);
        var key = "gift-" + Guid.NewGuid().ToString("N");
        var body = new { recipientId = creator.Id, giftId = "rocket", quantity = 2 };

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sender.Client.PostMoneyAsync("/api/v1/gifts", body, key)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"got {(int)r.StatusCode}"));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.ShouldBeProblemAsync(HttpStatusCode.Conflict, "idempotency_in_progress");
        }

        var bodies = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(800, await app.BalanceAsync(sender));

        var replay = await sender.Client.PostMoneyAsync("/api/v1/gifts", body, key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(bodies[0], await replay.Content.ReadAsStringAsync());
        Assert.Equal(800, await app.BalanceAsync(sender));

        var history = await (await sender.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Single(history.GetProperty("items").EnumerateArray(), i => i.GetProperty("type").GetString() == "gift");
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_with_422()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 100);
        var key = Guid.NewGuid().ToString("N");
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = 1 }, key)).ShouldBeAsync(HttpStatusCode.Created);
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = 2 }, key))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(99, await app.BalanceAsync(sender));
    }

    [Fact]
    public async Task A_refused_gift_leaves_its_key_free_for_a_retry_once_funded()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        var key = Guid.NewGuid().ToString("N");
        var body = new { recipientId = creator.Id, giftId = "heart", quantity = 1 };
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", body, key)).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        await app.FundAsync(sender.Id, 5);
        var json = await (await sender.Client.PostMoneyAsync("/api/v1/gifts", body, key)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(5, json.GetProperty("amount").GetInt64());
        Assert.Equal(0, await app.BalanceAsync(sender));
    }
}
