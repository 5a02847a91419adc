using System.Net;
using Spotlight.Live.Lives;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Notifications;

/// <summary>The wallet raises events; notifications and live rooms react to them, and the wallet never calls either.</summary>
public sealed class WalletEventsTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_gift_in_a_live_reaches_its_viewers_and_notifies_the_creator()
    {
        var (creator, fan, viewer) = (await app.CreatorAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await app.FundAsync(fan.Id, 1_000);
        var live = await GoLiveAsync(creator.Id);
        await using var viewerHub = await app.ConnectHubAsync(viewer);
        await using var creatorHub = await app.ConnectHubAsync(creator);
        await viewerHub.InvokeAsync("JoinLive", live.ToString());

        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 2, liveSessionId = live }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var transactionId = gift.GetProperty("transactionId").GetGuid();

        var shown = await viewerHub.WaitForAsync("gift");
        Assert.Equal(transactionId, shown.GetProperty("transactionId").GetGuid());
        Assert.Equal(fan.Id, shown.GetProperty("senderId").GetGuid());
        Assert.Equal(2, shown.GetProperty("quantity").GetInt32());

        var notification = await creatorHub.WaitForAsync("notification", n => n.GetProperty("type").GetString() == "gift_received");
        Assert.Equal(fan.Id, notification.GetProperty("actor").GetProperty("id").GetGuid());
        Assert.DoesNotContain(creatorHub.AllEvents(), e => e.Target == "gift"); // the creator did not join the live
    }

    /// <summary>A live on the air, written as StartLive stores it (the hub lets viewers join lives that are on only).</summary>
    private Task<Guid> GoLiveAsync(Guid creatorId) => app.WithDbAsync(async db =>
    {
        var id = Guid.CreateVersion7();
        db.Add(new LiveSession
        {
            Id = id, CreatorId = creatorId, OnAirCreatorId = creatorId, Title = "Live", Visibility = LiveVisibility.Public,
            RoomName = "live_" + id.ToString("N"), Status = LiveStatus.Live, StartedAt = DateTime.UtcNow, LastConfirmedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    });

    [Fact]
    public async Task A_payout_decision_is_notified_to_the_creator()
    {
        var (creator, fan) = (await app.CreatorAsync(), await app.CreateUserAsync());
        await app.FundAsync(fan.Id, 1_000);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 5 })).ShouldBeAsync(HttpStatusCode.Created);
        var payout = await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 300 })).ShouldBeAsync(HttpStatusCode.Created);
        await using var creatorHub = await app.ConnectHubAsync(creator);
        var admin = await app.AdminAsync();
        await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{payout.GetProperty("id").GetGuid()}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);

        var notification = await creatorHub.WaitForAsync("notification", n => n.GetProperty("type").GetString() == "payout_status");
        Assert.Equal(payout.GetProperty("id").GetGuid(), notification.GetProperty("subjectId").GetGuid());
    }
}
