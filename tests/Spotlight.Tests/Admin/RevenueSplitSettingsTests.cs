using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Admin.Settings;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Admin;

/// <summary>The revenue splits saved on the settings page are the ones the wallet applies (configuration is the fallback).</summary>
public sealed class RevenueSplitSettingsTests(WalletApp app) : IClassFixture<WalletApp>
{
    private const string SplitsForm = "form[data-testid=settings-revenueSplits]";

    [Fact]
    public async Task A_gift_split_changed_on_the_settings_page_applies_to_the_next_gift_and_removing_it_restores_the_configured_split()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 400);
        Assert.Equal((85, 10, 5), await GiftAsync(fan, creator));

        var console = await ConsoleClient.SignInAsync(app, await app.AdminAsync());
        var saved = await console.SubmitAsync("/admin/settings", SplitsForm, new() { ["Values[giftCreator]"] = "70", ["Values[giftPlatform]"] = "25", ["Values[giftProcessor]"] = "5" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        try
        {
            Assert.Equal((70, 25, 5), await GiftAsync(fan, creator));
            var page = await console.GetPageAsync("/admin/settings");
            Assert.Equal("Gift: creator 70 %, platform 25 %, processor 5 %", page.QuerySelector("[data-testid=splits-in-force] [data-split=gift]")!.TextContent);
            Assert.Equal(85 + 70, await app.EarningsAsync(creator));

            // A split that does not add up is refused with its message, the form keeps what was typed, and nothing changes.
            var refused = await console.SubmitAsync("/admin/settings", SplitsForm, new() { ["Values[giftCreator]"] = "60", ["Values[giftPlatform]"] = "20" });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var form = await ConsoleClient.ParseAsync(refused);
            Assert.Contains("add up to 85 %, not 100 %", form.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal("60", form.QuerySelector("#revenueSplits-giftCreator")!.GetAttribute("value"));
            Assert.Equal((70, 25, 5), await GiftAsync(fan, creator));

            var changes = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == "settings.changed" && e.TargetId!.StartsWith("revenueSplits.gift"))
                .Select(e => e.TargetId!).ToListAsync());
            Assert.Equal(["revenueSplits.giftCreator", "revenueSplits.giftPlatform"], changes.Order(StringComparer.Ordinal).ToArray());
        }
        finally
        {
            // Empty plain fields remove the stored values: the configured split is back.
            var reset = await console.SubmitAsync("/admin/settings", SplitsForm, new() { ["Values[giftCreator]"] = "", ["Values[giftPlatform]"] = "", ["Values[giftProcessor]"] = "" });
            Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        }

        Assert.Equal((85, 10, 5), await GiftAsync(fan, creator));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Saved_parts_that_no_longer_add_up_with_the_configuration_leave_the_configured_split_in_force()
    {
        // As if Wallet:Splits:Gift changed in configuration after only the creator's share was saved in the console.
        var settings = app.Services.GetRequiredService<IntegrationSettings>();
        await app.WithDbAsync(async db =>
        {
            db.Add(new IntegrationSetting { Section = "revenueSplits", Field = "giftCreator", Value = "90", UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });
        try
        {
            await settings.ReloadAsync(CancellationToken.None);
            var split = app.Services.GetRequiredService<IRevenueSplits>().Percentages(SaleKind.Gift);
            Assert.Equal((85, 10, 5), (split.Creator, split.Platform, split.Processor));

            var fan = await app.CreateUserAsync();
            await app.FundAsync(fan.Id, 100);
            Assert.Equal((85, 10, 5), await GiftAsync(fan, await app.CreatorAsync()));
        }
        finally
        {
            await app.WithDbAsync(db => db.Set<IntegrationSetting>().Where(s => s.Section == "revenueSplits").ExecuteDeleteAsync());
            await settings.ReloadAsync(CancellationToken.None);
        }
    }

    /// <summary>Sends one rocket (100 coins) and returns the split the wallet applied, as the response and the ledger say.</summary>
    private async Task<(long Creator, long Platform, long Processor)> GiftAsync(TestUser fan, TestUser creator)
    {
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        var split = gift.GetProperty("split");
        var answered = (split.GetProperty("creator").GetInt64(), split.GetProperty("platform").GetInt64(), split.GetProperty("processor").GetInt64());
        var transactionId = gift.GetProperty("transactionId").GetGuid();
        var entries = await app.WithDbAsync(db => db.Set<LedgerEntry>().Where(e => e.TransactionId == transactionId).ToDictionaryAsync(e => e.AccountId, e => e.Amount));
        Assert.Equal(answered, (entries[LedgerAccountRef.Earnings(creator.Id).Id], entries[LedgerAccountRef.Revenue.Id], entries[LedgerAccountRef.ProcessorFees.Id]));
        return answered;
    }
}
