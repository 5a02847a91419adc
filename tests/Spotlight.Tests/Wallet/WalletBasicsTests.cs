using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Wallet;

public sealed class WalletBasicsTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_new_user_has_an_empty_coin_wallet_and_no_history()
    {
        var user = await app.CreateUserAsync();
        var wallet = await (await user.Client.GetAsync("/api/v1/wallet")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, wallet.GetProperty("balance").GetInt64());
        Assert.Equal("coin", wallet.GetProperty("currency").GetString());
        var page = await (await user.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task The_wallet_needs_a_signed_in_caller()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/wallet");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Packages_and_gift_catalog_come_from_configuration()
    {
        var user = await app.CreateUserAsync();
        var packages = await (await user.Client.GetAsync("/api/v1/wallet/topup-packages")).ShouldBeAsync(HttpStatusCode.OK);
        var first = packages.EnumerateArray().First(p => p.GetProperty("id").GetString() == "coins_100");
        Assert.Equal(100, first.GetProperty("coins").GetInt64());
        Assert.Equal(99, first.GetProperty("price").GetInt64());
        Assert.Equal("usd", first.GetProperty("currency").GetString());

        var catalog = await (await app.CreateClient().GetAsync("/api/v1/gifts/catalog")).ShouldBeAsync(HttpStatusCode.OK);
        var rose = catalog.EnumerateArray().First(g => g.GetProperty("id").GetString() == "rose");
        Assert.Equal("Rose", rose.GetProperty("name").GetString());
        Assert.Equal(1, rose.GetProperty("price").GetInt64());
    }

    [Fact]
    public async Task A_gift_debits_the_sender_and_credits_creator_platform_and_processor_by_the_split()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 500);

        var response = await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 3 });
        var gift = await response.ShouldBeAsync(HttpStatusCode.Created);

        Assert.Equal(300, gift.GetProperty("amount").GetInt64());
        var split = gift.GetProperty("split");
        Assert.Equal(255, split.GetProperty("creator").GetInt64());
        Assert.Equal(30, split.GetProperty("platform").GetInt64());
        Assert.Equal(15, split.GetProperty("processor").GetInt64());
        Assert.Equal(200, await app.BalanceAsync(sender));
        Assert.Equal(255, await app.EarningsAsync(creator));

        var history = await (await sender.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        var line = history.GetProperty("items")[0];
        Assert.Equal(gift.GetProperty("transactionId").GetGuid(), line.GetProperty("id").GetGuid());
        Assert.Equal("gift", line.GetProperty("type").GetString());
        Assert.Equal(-300, line.GetProperty("amount").GetInt64());
        Assert.Equal(200, line.GetProperty("balanceAfter").GetInt64());
        Assert.Equal(creator.Id, line.GetProperty("counterpartyId").GetGuid());

        var earnings = await (await creator.Client.GetAsync("/api/v1/creator/earnings")).ShouldBeAsync(HttpStatusCode.OK);
        var earned = earnings.GetProperty("items")[0];
        Assert.Equal(255, earned.GetProperty("amount").GetInt64());
        Assert.Equal(sender.Id, earned.GetProperty("counterpartyId").GetGuid());
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_gift_without_an_idempotency_key_is_refused()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        var response = await sender.Client.PostAsJsonAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = 1 });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
    }

    [Fact]
    public async Task A_gift_beyond_the_balance_is_refused_with_402_and_moves_nothing()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 99);
        var response = await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 });
        await response.ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        Assert.Equal(99, await app.BalanceAsync(sender));
        Assert.Equal(0, await app.EarningsAsync(creator));
    }

    [Fact]
    public async Task Gifts_to_oneself_to_non_creators_or_across_a_block_are_refused()
    {
        var sender = await app.CreateUserAsync(roles: "creator");
        var plain = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 100);

        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = sender.Id, giftId = "rose", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_gift_self");
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = plain.Id, giftId = "rose", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "recipient_not_creator");
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = Guid.NewGuid(), giftId = "rose", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        await (await creator.Client.PostAsync($"/api/v1/users/{sender.Id}/block", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        var blockedBySender = await app.CreatorAsync(); // the other way round: the sender blocked the creator
        await (await sender.Client.PostAsync($"/api/v1/users/{blockedBySender.Id}/block", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = blockedBySender.Id, giftId = "rose", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        Assert.Equal(100, await app.BalanceAsync(sender));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(-1)]
    public async Task Gift_quantity_must_be_from_1_to_999(int quantity)
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        var problem = await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("quantity", out _));
    }

    [Fact]
    public async Task An_unknown_gift_or_an_unknown_field_is_a_400()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "diamond_car", quantity = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity = 1, amount = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
    }

    [Fact]
    public async Task A_transfer_moves_coins_between_wallets_and_shows_in_both_histories()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 100);

        var line = await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 40, note = "lunch" }))
            .ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("transfer", line.GetProperty("type").GetString());
        Assert.Equal(-40, line.GetProperty("amount").GetInt64());
        Assert.Equal(60, line.GetProperty("balanceAfter").GetInt64());
        Assert.Equal("lunch", line.GetProperty("note").GetString());
        Assert.Equal(60, await app.BalanceAsync(alice));
        Assert.Equal(40, await app.BalanceAsync(bob));

        var bobs = await (await bob.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        var received = bobs.GetProperty("items")[0];
        Assert.Equal(40, received.GetProperty("amount").GetInt64());
        Assert.Equal(alice.Id, received.GetProperty("counterpartyId").GetGuid());
    }

    [Fact]
    public async Task Transfers_refuse_bad_amounts_oneself_unknown_users_blocks_and_overdrafts()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 10);

        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 0 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = -5 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = alice.Id, amount = 1 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_transfer_to_self");
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = Guid.NewGuid(), amount = 1 })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 11 })).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        await (await bob.Client.PostAsync($"/api/v1/users/{alice.Id}/block", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 1 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "blocked");
        Assert.Equal(10, await app.BalanceAsync(alice));
        Assert.Equal(0, await app.BalanceAsync(bob));
    }

    [Fact]
    public async Task History_pages_newest_first_with_a_cursor()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 100);
        for (var i = 1; i <= 5; i++)
        {
            await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = i })).ShouldBeAsync(HttpStatusCode.Created);
        }

        var amounts = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await alice.Client.GetAsync($"/api/v1/wallet/transactions?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ShouldBeAsync(HttpStatusCode.OK);
            amounts.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([-5, -4, -3, -2, -1, 100], amounts);
    }
}
