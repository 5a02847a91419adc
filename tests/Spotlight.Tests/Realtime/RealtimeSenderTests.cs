using Spotlight.Data;
using Spotlight.Realtime;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Realtime;

/// <summary>
/// The transport features send through: an event name and a payload to some users, on every node, and to nobody else;
/// one staged in a transaction leaves when the transaction commits and never when it rolls back.
/// </summary>
public sealed class RealtimeSenderTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task An_event_published_to_users_reaches_every_connection_of_those_users_and_no_one_else()
    {
        var (alice, bob, carol) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await using var alicePhone = await app.ConnectHubAsync(alice);
        await using var aliceLaptop = await app.ConnectHubAsync(alice);
        await using var bobHub = await app.ConnectHubAsync(bob);
        await using var carolHub = await app.ConnectHubAsync(carol);
        var sender = app.Services.GetRequiredService<IRealtimeSender>();

        await sender.PublishToUsersAsync([alice.Id, bob.Id], "badge", new { Kind = "star", Count = 2 });

        Assert.Equal("star", (await alicePhone.WaitForAsync("badge")).GetProperty("kind").GetString());
        Assert.Equal(2, (await aliceLaptop.WaitForAsync("badge")).GetProperty("count").GetInt32());
        Assert.Equal("star", (await bobHub.WaitForAsync("badge")).GetProperty("kind").GetString());
        await Task.Delay(500);
        Assert.DoesNotContain(carolHub.AllEvents(), e => e.Target == "badge");
    }

    [Fact]
    public async Task An_event_staged_in_a_transaction_leaves_only_when_it_commits()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);
        var sender = app.Services.GetRequiredService<IRealtimeSender>();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await sender.StageToUsersAsync(db, [user.Id], "badge", new { Kind = "rolled-back" });
            await transaction.RollbackAsync();
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await sender.StageToUsersAsync(db, [user.Id], "badge", new { Kind = "committed" });
            await Task.Delay(300);
            Assert.DoesNotContain(hub.AllEvents(), e => e.Target == "badge");
            await transaction.CommitAsync();
        }

        Assert.Equal("committed", (await hub.WaitForAsync("badge")).GetProperty("kind").GetString());
        await Task.Delay(300);
        Assert.Single(hub.EventsOf("badge"));
    }
}
