using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

/// <summary>A handler that fails after debiting (a fault injected at <c>wallet.after-debit</c>) leaves nothing half done.</summary>
public sealed class CrashSafetyTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_gift_that_fails_after_the_debit_moves_nothing_and_its_key_can_be_retried()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 100);
        var transactionsBefore = await app.WithDbAsync(db => db.Set<LedgerTransaction>().CountAsync());
        var key = Guid.NewGuid().ToString("N");
        var body = new { recipientId = creator.Id, giftId = "star", quantity = 3 };

        app.Faults.Arm("wallet.after-debit");
        HttpResponseMessage failed;
        try
        {
            failed = await sender.Client.PostMoneyAsync("/api/v1/gifts", body, key);
        }
        finally
        {
            app.Faults.Disarm();
        }

        await failed.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Equal(100, await app.BalanceAsync(sender));
        Assert.Equal(0, await app.EarningsAsync(creator));
        Assert.Equal(transactionsBefore, await app.WithDbAsync(db => db.Set<LedgerTransaction>().CountAsync()));
        await app.AssertBalancedAsync();

        var retried = await (await sender.Client.PostMoneyAsync("/api/v1/gifts", body, key)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(30, retried.GetProperty("amount").GetInt64());
        Assert.Equal(70, await app.BalanceAsync(sender));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_transfer_that_fails_after_the_debit_moves_nothing_and_its_key_can_be_retried()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 100);
        var key = Guid.NewGuid().ToString("N");

        app.Faults.Arm("wallet.after-debit");
        try
        {
            await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 40 }, key))
                .ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        }
        finally
        {
            app.Faults.Disarm();
        }

        Assert.Equal(100, await app.BalanceAsync(alice));
        Assert.Equal(0, await app.BalanceAsync(bob));
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 40 }, key)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(60, await app.BalanceAsync(alice));
        Assert.Equal(40, await app.BalanceAsync(bob));
        await app.AssertBalancedAsync();
    }
}
