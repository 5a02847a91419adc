using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

public sealed class PayoutAndAdminTests(WalletApp app) : IClassFixture<WalletApp>
{
    /// <summary>A creator with earnings: a fan sends them gifts worth <paramref name="gifts"/> × 100 coins (85 each to the creator).</summary>
    private async Task<TestUser> CreatorEarningAsync(int gifts)
    {
        var creator = await app.CreatorAsync();
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, gifts * 100);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = gifts })).ShouldBeAsync(HttpStatusCode.Created);
        return creator;
    }

    private Task<List<AuditEntry>> AuditAsync(string targetId) =>
        app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == targetId).OrderBy(e => e.At).ToListAsync());

    [Fact]
    public async Task A_payout_moves_earnings_to_clearing_and_an_approval_pays_it_through_the_sandbox()
    {
        var creator = await CreatorEarningAsync(gifts: 4); // 340 earned
        var payout = await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 300 })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("requested", payout.GetProperty("status").GetString());
        var id = payout.GetProperty("id").GetGuid();
        Assert.Equal(40, await app.EarningsAsync(creator));

        var admin = await app.AdminAsync();
        var paid = await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{id}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
        Assert.StartsWith("sandbox_po_", paid.GetProperty("providerReference").GetString(), StringComparison.Ordinal);
        await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "payout_not_pending");
        await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{id}/reject", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "payout_not_pending");

        var mine = await (await creator.Client.GetAsync("/api/v1/creator/payouts")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("paid", mine.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(["wallet.payout_requested", "wallet.payout_approved", "wallet.payout_paid"], (await AuditAsync(id.ToString())).Select(e => e.Action));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_rejected_payout_returns_the_coins_to_earnings()
    {
        var creator = await CreatorEarningAsync(gifts: 2); // 170
        var id = (await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 150 })).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.Equal(20, await app.EarningsAsync(creator));
        var admin = await app.AdminAsync();
        var rejected = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/payouts/{id}/reject", new { reason = "bank details missing" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Equal(170, await app.EarningsAsync(creator));
        Assert.Equal(["wallet.payout_requested", "wallet.payout_rejected"], (await AuditAsync(id.ToString())).Select(e => e.Action));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Payouts_below_the_minimum_or_beyond_earnings_are_refused()
    {
        var creator = await CreatorEarningAsync(gifts: 1); // 85
        await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 99 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 100 })).ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        Assert.Equal(85, await app.EarningsAsync(creator));
        var plain = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 100 })).StatusCode);
    }

    [Fact]
    public async Task Admin_adjustments_credit_and_debit_a_wallet_against_the_adjustments_account_and_are_audited()
    {
        var user = await app.CreateUserAsync();
        var admin = await app.AdminAsync();
        var before = await app.PlatformBalanceAsync(LedgerAccountRef.Adjustments);
        var credit = await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = 70, reason = "goodwill" })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(70, credit.GetProperty("balanceAfter").GetInt64());
        await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = -20, reason = "correction" })).ShouldBeAsync(HttpStatusCode.Created);
        await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = -51, reason = "too much" }))
            .ShouldBeProblemAsync(HttpStatusCode.PaymentRequired, "insufficient_funds");
        await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = 0, reason = "nothing" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = 5, reason = "no key" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
        await (await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{Guid.NewGuid()}/adjustments", new { amount = 5, reason = "nobody" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal(50, await app.BalanceAsync(user));
        Assert.Equal(-50, await app.PlatformBalanceAsync(LedgerAccountRef.Adjustments) - before);
        var audits = await AuditAsync(user.Id.ToString());
        Assert.Equal(2, audits.Count(a => a.Action == "wallet.adjusted"));
        Assert.All(audits.Where(a => a.Action == "wallet.adjusted"), a => Assert.Equal(admin.Id, a.ActorId));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_reversal_undoes_a_gift_once()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 100);
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        var transactionId = gift.GetProperty("transactionId").GetGuid();
        var admin = await app.AdminAsync();

        var reversal = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{transactionId}/reverse", new { reason = "fraud" })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(transactionId, reversal.GetProperty("reversedTransactionId").GetGuid());
        Assert.Equal(100, await app.BalanceAsync(fan));
        Assert.Equal(0, await app.EarningsAsync(creator));
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{transactionId}/reverse", new { reason = "again" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_reversed");
        await (await admin.Client.PostAsync($"/api/v1/admin/transactions/{reversal.GetProperty("transactionId").GetGuid()}/reverse", null))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "not_reversible");
        await (await admin.Client.PostAsync($"/api/v1/admin/transactions/{Guid.NewGuid()}/reverse", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        var history = await (await fan.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK);
        var line = history.GetProperty("items")[0];
        Assert.Equal("reversal", line.GetProperty("type").GetString());
        Assert.Equal(100, line.GetProperty("amount").GetInt64());
        Assert.Equal(transactionId, line.GetProperty("reversesId").GetGuid());
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Concurrent_reversals_of_one_transaction_reverse_it_once()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 100);
        var transfer = await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 60 })).ShouldBeAsync(HttpStatusCode.Created);
        var admin = await app.AdminAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.Client.PostAsync($"/api/v1/admin/transactions/{transfer.GetProperty("id").GetGuid()}/reverse", null)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(100, await app.BalanceAsync(alice));
        Assert.Equal(0, await app.BalanceAsync(bob));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_reversal_that_would_overdraw_is_refused_unless_the_admin_allows_it_and_then_it_is_recorded()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        var carol = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 50);
        var transfer = await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 50 })).ShouldBeAsync(HttpStatusCode.Created);
        await (await bob.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = carol.Id, amount = 30 })).ShouldBeAsync(HttpStatusCode.Created);
        var id = transfer.GetProperty("id").GetGuid();
        var admin = await app.AdminAsync();

        var refused = await (await admin.Client.PostAsync($"/api/v1/admin/transactions/{id}/reverse", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "negative_balance");
        Assert.Contains("allowNegative", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, await app.BalanceAsync(bob));

        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/transactions/{id}/reverse", new { reason = "chargeback", allowNegative = true })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(-30, await app.BalanceAsync(bob));
        Assert.Equal(50, await app.BalanceAsync(alice));
        var audit = (await AuditAsync(id.ToString())).Single(a => a.Action == "wallet.transaction_reversed");
        Assert.True(JsonDocument.Parse(audit.Details!).RootElement.GetProperty("allowNegative").GetBoolean());

        // The books still balance, but a negative user balance is always reported until it is made good.
        var report = await app.ReconcileAsync();
        Assert.False(report.GetProperty("balanced").GetBoolean());
        Assert.Equal("negative_balance", report.GetProperty("mismatches")[0].GetProperty("kind").GetString());
        Assert.Equal(report.GetProperty("totalDebits").GetInt64(), report.GetProperty("totalCredits").GetInt64());
        await app.FundAsync(bob.Id, 30);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Reversing_a_topup_marks_it_refunded_and_keeps_the_clearing_account_reconciled()
    {
        var user = await app.CreateUserAsync();
        var topupId = await app.TopUpAsync(user);
        var transactionId = (await (await user.Client.GetAsync($"/api/v1/wallet/topups/{topupId}")).ShouldBeAsync(HttpStatusCode.OK));
        var line = (await (await user.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsync($"/api/v1/admin/transactions/{line.GetProperty("id").GetGuid()}/reverse", null)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(0, await app.BalanceAsync(user));
        Assert.Equal("refunded", (await (await user.Client.GetAsync($"/api/v1/wallet/topups/{topupId}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal("succeeded", transactionId.GetProperty("status").GetString());
        await app.AssertBalancedAsync();
    }
}
