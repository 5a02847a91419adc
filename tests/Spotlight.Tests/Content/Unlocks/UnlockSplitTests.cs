using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Content.Unlocks;

/// <summary>The premium-unlock split is the console's to set (a fixture of its own: it changes the split for the whole server).</summary>
public sealed class UnlockSplitTests(UnlockApp app) : IClassFixture<UnlockApp>
{
    [Fact]
    public async Task A_premium_split_saved_in_the_console_splits_the_next_unlock_and_leaves_gifts_alone()
    {
        var admin = await app.AdminAsync();
        var creator = await app.CreatorAsync();
        var buyer = await app.CreateUserAsync();
        await app.FundAsync(buyer.Id, 10_000);

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/revenueSplits", new { unlockCreator = 70, unlockPlatform = 25, unlockProcessor = 5 }))
            .ShouldBeAsync(HttpStatusCode.OK);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long creatorPart;
        do
        {
            await Task.Delay(200);
            var postId = await UnlockApp.PremiumPostAsync(creator, 100);
            var split = (await (await UnlockApp.UnlockAsync(buyer, postId)).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("split");
            creatorPart = split.GetProperty("creator").GetInt64();
            if (creatorPart == 70)
            {
                Assert.Equal((25, 5), (split.GetProperty("platform").GetInt64(), split.GetProperty("processor").GetInt64()));
            }
        }
        while (creatorPart != 70 && DateTime.UtcNow < deadline);

        Assert.Equal(70, creatorPart);
        var gift = await (await buyer.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(85, gift.GetProperty("split").GetProperty("creator").GetInt64());
        await app.AssertBalancedAsync();
    }
}
