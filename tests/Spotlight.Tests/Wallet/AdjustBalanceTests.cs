using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Administration;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

/// <summary>
/// The console's adjustments through <see cref="AdjustBalance"/> with a form key: the key is the adjustment's unique
/// ledger reference, so the same form moves coins once however it arrives, and answers with the first adjustment.
/// </summary>
public sealed class AdjustBalanceTests(WalletApp app) : IClassFixture<WalletApp>
{
    private async Task<AdjustBalance.Adjusted> AdjustAsync(Guid adminId, Guid userId, long amount, string reason, string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<AdjustBalance>()
            .HandleAsync(adminId, userId, new AdjustmentRequest(amount, reason), CancellationToken.None, onceKey: key);
        Assert.Null(outcome.Refusal);
        return outcome.Value!;
    }

    [Fact]
    public async Task The_same_form_confirmed_twice_at_once_moves_the_coins_once_and_both_answers_name_the_same_adjustment()
    {
        var admin = await app.AdminAsync();
        var user = await app.CreateUserAsync();
        var key = "console-adjustment-" + Guid.NewGuid().ToString("N");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AdjustAsync(admin.Id, user.Id, 70, "goodwill", key)));

        Assert.Single(answers, a => !a.AlreadyMade);
        Assert.Single(answers.Select(a => a.Response.TransactionId).Distinct());
        Assert.All(answers, a => Assert.Equal(70, a.Response.BalanceAfter));
        Assert.Equal(70, await app.BalanceAsync(user));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<LedgerTransaction>().CountAsync(t => t.Reference == "adjustment:" + key)));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "wallet.adjusted" && e.TargetId == user.Id.ToString())));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_form_key_used_for_another_adjustment_is_refused_and_moves_nothing()
    {
        var admin = await app.AdminAsync();
        var user = await app.CreateUserAsync();
        var key = "console-adjustment-" + Guid.NewGuid().ToString("N");
        await AdjustAsync(admin.Id, user.Id, 40, "goodwill", key);

        await using var scope = app.Services.CreateAsyncScope();
        var adjust = scope.ServiceProvider.GetRequiredService<AdjustBalance>();
        foreach (var (amount, reason) in new[] { (41L, "goodwill"), (40L, "another reason") })
        {
            var refused = await adjust.HandleAsync(admin.Id, user.Id, new AdjustmentRequest(amount, reason), CancellationToken.None, onceKey: key);
            Assert.Equal((422, "idempotency_key_reused"), (refused.Refusal!.Status, refused.Refusal.Code));
        }

        var otherUser = await app.CreateUserAsync();
        var elsewhere = await adjust.HandleAsync(admin.Id, otherUser.Id, new AdjustmentRequest(40, "goodwill"), CancellationToken.None, onceKey: key);
        Assert.Equal("idempotency_key_reused", elsewhere.Refusal!.Code);

        Assert.Equal(40, await app.BalanceAsync(user));
        Assert.Equal(0, await app.BalanceAsync(otherUser));
        await app.AssertBalancedAsync();
    }
}
