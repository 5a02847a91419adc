using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Admin.Money;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Content.Unlocks;

/// <summary>POST /api/v1/content/{id}/unlock: a premium post sold once per buyer, by the premium split, through the wallet's ledger.</summary>
public sealed class UnlockTests(UnlockApp app) : IClassFixture<UnlockApp>
{
    [Fact]
    public async Task Unlocking_charges_the_price_by_the_premium_split_and_opens_the_post_to_the_buyer_only()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 100, "behind the scenes");
        var buyer = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 500);
        Assert.True(await UnlockApp.LockedForAsync(buyer, postId));

        var response = await UnlockApp.UnlockAsync(buyer, postId);
        var receipt = await response.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(100, receipt.GetProperty("amount").GetInt64());
        var split = receipt.GetProperty("split");
        Assert.Equal((80, 15, 5), (split.GetProperty("creator").GetInt64(), split.GetProperty("platform").GetInt64(), split.GetProperty("processor").GetInt64()));
        var transactionId = receipt.GetProperty("transactionId").GetGuid();
        Assert.Equal($"/api/v1/wallet/transactions/{transactionId}", response.Headers.Location?.ToString());

        var whole = await UnlockApp.ReadPostAsync(buyer, postId);
        Assert.False(whole.GetProperty("locked").GetBoolean());
        Assert.Equal("behind the scenes", whole.GetProperty("text").GetString());
        var locked = await UnlockApp.ReadPostAsync(other, postId);
        Assert.True(locked.GetProperty("locked").GetBoolean());
        Assert.Equal("", locked.GetProperty("text").GetString());

        Assert.Equal(400, await app.BalanceAsync(buyer));
        Assert.Equal(80, await app.EarningsAsync(creator));
        Assert.Equal((1, 1), await app.CountsAsync(postId));

        // The new kind of transaction reads right in the buyer's history, the creator's earnings and the admin ledger.
        var history = await (await buyer.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        var line = history.GetProperty("items").EnumerateArray().First(t => t.GetProperty("id").GetGuid() == transactionId);
        Assert.Equal(("content_unlock", -100L, 400L, creator.Id), (line.GetProperty("type").GetString(), line.GetProperty("amount").GetInt64(),
            line.GetProperty("balanceAfter").GetInt64(), line.GetProperty("counterpartyId").GetGuid()));
        var earnings = await (await creator.Client.GetAsync("/api/v1/creator/earnings")).ShouldBeAsync(HttpStatusCode.OK);
        var earned = earnings.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == transactionId);
        Assert.Equal(("content_unlock", 80L, buyer.Id), (earned.GetProperty("type").GetString(), earned.GetProperty("amount").GetInt64(), earned.GetProperty("counterpartyId").GetGuid()));
        await using var scope = app.Services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<IWalletReadModel>().GetTransactionAsync(transactionId);
        Assert.Equal((TransactionType.ContentUnlock, 100L, buyer.Id, true), (view!.Type, view.Amount, view.InitiatorId, view.Reversible));
        Assert.Equal([-100L, 5, 15, 80], view.Entries.Select(e => e.Amount));
        Assert.Equal("Content unlock", MoneyText.TypeLabel(view.Type));
    }

    [Fact]
    public async Task A_second_unlock_answers_200_with_the_first_unlock_and_charges_nothing()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 60);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 200);
        var first = await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created);

        var again = await UnlockApp.UnlockAsync(buyer, postId);
        var second = await again.ShouldBeAsync(HttpStatusCode.OK);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.GetRawText(), second.GetRawText());
        Assert.Equal(140, await app.BalanceAsync(buyer));
        Assert.Equal((1, 1), await app.CountsAsync(postId));
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_first_answer_and_moves_nothing_again()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 30);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 100);
        var key = Guid.NewGuid().ToString("N");
        var first = await (await UnlockApp.UnlockAsync(buyer, postId, key)).ShouldBeAsync(HttpStatusCode.Created);

        var replay = await UnlockApp.UnlockAsync(buyer, postId, key);
        var replayed = await replay.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("transactionId").GetGuid(), replayed.GetProperty("transactionId").GetGuid());
        Assert.Equal(70, await app.BalanceAsync(buyer));

        // The key belongs to this post's unlock: another post under it is another request.
        var otherPost = await UnlockApp.PremiumPostAsync(creator, 30);
        await (await UnlockApp.UnlockAsync(buyer, otherPost, key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Without_an_idempotency_key_or_a_token_nothing_is_charged()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 30);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 100);

        await (await buyer.Client.PostAsJsonAsync($"/api/v1/content/{postId}/unlock", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostMoneyAsync($"/api/v1/content/{postId}/unlock", new { })).StatusCode);
        Assert.Equal(100, await app.BalanceAsync(buyer));
        Assert.Equal((0, 0), await app.CountsAsync(postId));
    }

    [Fact]
    public async Task Fifty_concurrent_unlocks_with_different_keys_charge_once_and_the_books_balance()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 100);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 1_000);
        var others = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            var fan = await app.CreateUserAsync();
            await app.FundAsync(fan.Id, 150);
            others.Add(fan);
        }

        // Fifty of one buyer's at once, with other fans buying the same post (twice each) in the middle of them.
        var attempts = Enumerable.Range(0, 50).Select(_ => UnlockApp.UnlockAsync(buyer, postId))
            .Concat(others.SelectMany(fan => new[] { UnlockApp.UnlockAsync(fan, postId), UnlockApp.UnlockAsync(fan, postId) }));
        var responses = await Task.WhenAll(attempts);

        var mine = responses.Take(50).ToList();
        Assert.All(mine, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)r.StatusCode}"));
        Assert.Equal(1, mine.Count(r => r.StatusCode == HttpStatusCode.Created));
        var bodies = await Task.WhenAll(mine.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Single(bodies.Select(b => b.GetProperty("transactionId").GetGuid()).Distinct());
        Assert.Equal(900, await app.BalanceAsync(buyer));
        foreach (var fan in others)
        {
            Assert.Equal(50, await app.BalanceAsync(fan));
        }

        Assert.Equal(6 * 80, await app.EarningsAsync(creator));
        Assert.Equal((6, 6), await app.CountsAsync(postId));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Too_few_coins_is_402_and_leaves_no_unlock()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 100);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 99);

        await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        Assert.Equal(99, await app.BalanceAsync(buyer));
        Assert.Equal((0, 0), await app.CountsAsync(postId));
        Assert.True(await UnlockApp.LockedForAsync(buyer, postId));

        // The refused key is free again: topped up, the same key goes through.
        var key = Guid.NewGuid().ToString("N");
        await (await UnlockApp.UnlockAsync(buyer, postId, key)).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        await app.FundAsync(buyer.Id, 1);
        await (await UnlockApp.UnlockAsync(buyer, postId, key)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(0, await app.BalanceAsync(buyer));
    }

    [Fact]
    public async Task Only_premium_posts_are_unlocked()
    {
        var (creator, planId) = await app.CreatorWithPlanAsync();
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 100);
        foreach (var body in new object[]
        {
            new { text = "free", visibility = "public" },
            new { text = "for followers", visibility = "followers" },
            new { text = "for fans", visibility = "subscribers", planIds = new[] { planId } },
        })
        {
            var postId = await PostsApp.PostIdAsync(creator, body);
            await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "not_premium");
        }

        Assert.Equal(100, await app.BalanceAsync(buyer));
    }

    [Fact]
    public async Task The_author_cannot_buy_their_own_post()
    {
        var creator = await app.CreatorAsync();
        await app.FundAsync(creator.Id, 100);
        var postId = await UnlockApp.PremiumPostAsync(creator, 40);

        await (await UnlockApp.UnlockAsync(creator, postId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "own_post");
        Assert.Equal(100, await app.BalanceAsync(creator));
        Assert.Equal((0, 0), await app.CountsAsync(postId));
    }

    [Fact]
    public async Task A_price_change_keeps_past_buyers_access_and_charges_new_buyers_the_new_price()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 50);
        var early = await app.CreateUserAsync();
        var late = await app.CreateUserAsync();
        await app.FundAsync(early.Id, 500);
        await app.FundAsync(late.Id, 500);
        await (await UnlockApp.UnlockAsync(early, postId)).ShouldBeAsync(HttpStatusCode.Created);

        await UnlockApp.ChangePriceAsync(creator, postId, 200);

        Assert.False(await UnlockApp.LockedForAsync(early, postId));
        var again = await (await UnlockApp.UnlockAsync(early, postId)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(50, again.GetProperty("amount").GetInt64());
        Assert.Equal(450, await app.BalanceAsync(early));
        Assert.True(await UnlockApp.LockedForAsync(late, postId));
        var bought = await (await UnlockApp.UnlockAsync(late, postId)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(200, bought.GetProperty("amount").GetInt64());
        Assert.Equal(300, await app.BalanceAsync(late));
        var paid = await app.WithDbAsync(db => db.Set<PostUnlock>().Where(u => u.PostId == postId).OrderBy(u => u.Price).Select(u => u.Price).ToListAsync());
        Assert.Equal([50L, 200L], paid);
    }

    [Fact]
    public async Task A_split_of_an_awkward_price_adds_up_to_the_price_exactly()
    {
        var creator = await app.CreatorAsync();
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 10_000);
        foreach (var price in new long[] { 1, 7, 19, 333, 999 })
        {
            var postId = await UnlockApp.PremiumPostAsync(creator, price);
            var split = (await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("split");
            var (creatorPart, platform, processor) = (split.GetProperty("creator").GetInt64(), split.GetProperty("platform").GetInt64(), split.GetProperty("processor").GetInt64());
            Assert.Equal(price, creatorPart + platform + processor);
            Assert.Equal(RevenueSplit.Compute(price, new Spotlight.Wallet.SplitsOptions().PremiumUnlock), new SplitParts(creatorPart, platform, processor));
        }

        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_post_the_caller_may_not_see_is_404_as_it_is_to_read()
    {
        var creator = await app.CreatorAsync();
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 1_000);
        var blockedByAuthor = await UnlockApp.PremiumPostAsync(creator, 10);
        var deleted = await UnlockApp.PremiumPostAsync(creator, 10);
        var hidden = await UnlockApp.PremiumPostAsync(creator, 10);
        var bannedCreator = await app.CreatorAsync();
        var ofBanned = await UnlockApp.PremiumPostAsync(bannedCreator, 10);
        var blockingCreator = await app.CreatorAsync();
        var blockedByBuyer = await UnlockApp.PremiumPostAsync(blockingCreator, 10);

        await PostsApp.BlockAsync(creator, buyer);
        await PostsApp.BlockAsync(buyer, blockingCreator);
        await (await creator.Client.DeleteAsync($"/api/v1/posts/{deleted}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await app.WithDbAsync(db => db.Set<Post>().Where(p => p.Id == hidden).ExecuteUpdateAsync(s => s.SetProperty(p => p.ModerationStatus, ModerationStatus.Hidden)));
        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{bannedCreator.Id}/ban", new { reason = "test" })).ShouldBeAsync(HttpStatusCode.OK);

        foreach (var postId in new[] { blockedByAuthor, deleted, hidden, ofBanned, blockedByBuyer, Guid.CreateVersion7() })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await buyer.Client.GetAsync($"/api/v1/posts/{postId}")).StatusCode);
            await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(1_000, await app.BalanceAsync(buyer));
        await (await buyer.Client.PostMoneyAsync("/api/v1/content/not-a-guid/unlock", new { })).ShouldBeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_refunded_unlock_takes_the_access_back_and_the_post_can_be_bought_again()
    {
        var creator = await app.CreatorAsync();
        var postId = await UnlockApp.PremiumPostAsync(creator, 100);
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 100);
        var sale = (await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("transactionId").GetGuid();
        var admin = await app.AdminAsync();

        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{sale}/reverse", new { reason = "refund" })).ShouldBeAsync(HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await UnlockApp.LockedForAsync(buyer, postId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(await UnlockApp.LockedForAsync(buyer, postId));
        Assert.Equal((0, 0), await app.CountsAsync(postId));
        Assert.Equal(100, await app.BalanceAsync(buyer));
        var again = (await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("transactionId").GetGuid();
        Assert.NotEqual(sale, again);
        Assert.Equal((0L, (1, 1)), (await app.BalanceAsync(buyer), await app.CountsAsync(postId)));
        await app.AssertBalancedAsync();
    }
}
