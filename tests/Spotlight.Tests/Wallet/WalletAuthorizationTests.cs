using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Wallet;

/// <summary>Object-level authorization: user A never reads or changes user B's money, whatever id A names.</summary>
public sealed class WalletAuthorizationTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_user_cannot_read_another_users_transaction_topup_subscription_or_payout_by_id()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreatorAsync();
        var carol = await app.CreatorAsync();
        await app.FundAsync(bob.Id, 1000);

        // Bob owns: a transfer, a top-up, a subscription, a payout.
        var transfer = await (await bob.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = carol.Id, amount = 10 })).ShouldBeAsync(HttpStatusCode.Created);
        var topup = await (await bob.Client.PostAsJsonAsync("/api/v1/wallet/topups", new { packageId = "coins_100" })).ShouldBeAsync(HttpStatusCode.Created);
        var plan = await (await carol.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Club", price = 100 })).ShouldBeAsync(HttpStatusCode.Created);
        var subscription = await (await bob.Client.PostMoneyAsync($"/api/v1/creators/{carol.Id}/subscriptions", new { planId = plan.GetProperty("id").GetGuid() })).ShouldBeAsync(HttpStatusCode.Created);
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, 200);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = bob.Id, giftId = "rocket", quantity = 2 })).ShouldBeAsync(HttpStatusCode.Created);
        var payout = await (await bob.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 100 })).ShouldBeAsync(HttpStatusCode.Created);

        // Bob sees each of them.
        await (await bob.Client.GetAsync($"/api/v1/wallet/transactions/{transfer.GetProperty("id").GetGuid()}")).ShouldBeAsync(HttpStatusCode.OK);
        await (await bob.Client.GetAsync($"/api/v1/wallet/topups/{topup.GetProperty("id").GetGuid()}")).ShouldBeAsync(HttpStatusCode.OK);
        await (await bob.Client.GetAsync($"/api/v1/subscriptions/{subscription.GetProperty("id").GetGuid()}")).ShouldBeAsync(HttpStatusCode.OK);
        await (await bob.Client.GetAsync($"/api/v1/creator/payouts/{payout.GetProperty("id").GetGuid()}")).ShouldBeAsync(HttpStatusCode.OK);

        // Alice, naming the same ids, finds nothing: 404, never 403, so ids are not confirmed either.
        await (await alice.Client.GetAsync($"/api/v1/wallet/transactions/{transfer.GetProperty("id").GetGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.Client.GetAsync($"/api/v1/wallet/topups/{topup.GetProperty("id").GetGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.Client.GetAsync($"/api/v1/subscriptions/{subscription.GetProperty("id").GetGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await alice.Client.DeleteAsync($"/api/v1/subscriptions/{subscription.GetProperty("id").GetGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var aliceCreator = await app.CreatorAsync();
        await (await aliceCreator.Client.GetAsync($"/api/v1/creator/payouts/{payout.GetProperty("id").GetGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        // Lists are the caller's own, whatever the query says.
        var alicesList = await (await alice.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, alicesList.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await (await alice.Client.GetAsync("/api/v1/subscriptions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await (await aliceCreator.Client.GetAsync("/api/v1/creator/payouts")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await (await aliceCreator.Client.GetAsync("/api/v1/creator/subscribers")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
        Assert.Equal(0, await app.BalanceAsync(alice));
    }

    [Fact]
    public async Task Non_admins_get_403_on_adjustments_reversals_payout_decisions_and_reconciliation()
    {
        var user = await app.CreateUserAsync(roles: "creator,moderator");
        var anyId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = 1000, reason = "me" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsync($"/api/v1/admin/transactions/{anyId}/reverse", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsync($"/api/v1/admin/payouts/{anyId}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsync($"/api/v1/admin/payouts/{anyId}/reject", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/admin/payouts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/admin/ledger/reconciliation")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/admin/ledger/reconciliation")).StatusCode);
        Assert.Equal(0, await app.BalanceAsync(user));
    }

    [Fact]
    public async Task Creator_endpoints_are_for_creators_only()
    {
        var user = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/creator/earnings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/creator/subscribers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/creator/payouts")).StatusCode);
    }
}
