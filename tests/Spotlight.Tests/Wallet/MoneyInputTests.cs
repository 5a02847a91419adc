using System.Net;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Wallet;

/// <summary>Coins and counts are JSON integers: a numeric string ("0010", "+1") is refused with a field error, and nothing moves.</summary>
public sealed class MoneyInputTests(WalletApp app) : IClassFixture<WalletApp>
{
    public static TheoryData<string> NumericStrings => ["0010", "+1", "1", " 5", "1e1"];

    private static async Task ShouldNameTheFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("integer", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NumericStrings))]
    public async Task A_transfer_amount_written_as_a_string_is_refused_and_moves_nothing(string amount)
    {
        var (alice, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await app.FundAsync(alice.Id, 100);
        await ShouldNameTheFieldAsync(await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount }), "amount");
        Assert.Equal(100, await app.BalanceAsync(alice));
        Assert.Equal(0, await app.BalanceAsync(bob));
    }

    [Theory]
    [MemberData(nameof(NumericStrings))]
    public async Task A_gift_quantity_written_as_a_string_is_refused_and_charges_nothing(string quantity)
    {
        var (fan, creator) = (await app.CreateUserAsync(), await app.CreatorAsync());
        await app.FundAsync(fan.Id, 100);
        await ShouldNameTheFieldAsync(await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rose", quantity }), "quantity");
        Assert.Equal(100, await app.BalanceAsync(fan));
    }

    [Theory]
    [MemberData(nameof(NumericStrings))]
    public async Task Payouts_adjustments_and_plan_prices_written_as_strings_are_refused(string value)
    {
        var creator = await app.CreatorAsync();
        var admin = await app.AdminAsync();
        await ShouldNameTheFieldAsync(await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = value }), "amount");
        await ShouldNameTheFieldAsync(await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{creator.Id}/adjustments", new { amount = value, reason = "typo" }), "amount");
        await ShouldNameTheFieldAsync(await creator.Client.PostMoneyAsync("/api/v1/creator/plans", new { name = "Gold", price = value }), "price");
        Assert.Equal(0, await app.BalanceAsync(creator));
        Assert.Equal(0, await app.EarningsAsync(creator));
    }

    [Fact]
    public async Task The_same_requests_with_json_integers_are_accepted()
    {
        var (alice, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await app.FundAsync(alice.Id, 100);
        await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 10 })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(10, await app.BalanceAsync(bob));
    }
}
