using System.Net;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Live;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Account;

/// <summary>A deleted creator leaves the air as a banned one does: their live ends and its LiveKit room is deleted.</summary>
public sealed class AccountDeletionLiveTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_deleted_creators_live_ends_and_its_room_is_deleted()
    {
        var (creator, live) = await app.GoLiveAsync();
        var admin = await app.CreateAdminAsync();
        await using var watcher = await app.ConnectHubAsync(await app.CreateUserAsync());
        await watcher.InvokeAsync("JoinLive", live.Id);
        await app.ControlRoomServiceAsync(new() { [live.RoomName] = [creator.Id.ToString()] });

        Assert.Equal(HttpStatusCode.Accepted, (await admin.Client.DeleteAsync($"/api/v1/admin/users/{creator.Id}")).StatusCode);

        await watcher.WaitForAsync("liveEnded");
        Assert.Equal("ended", (await app.ReadLiveAsync(live.Id)).GetProperty("status").GetString());
        await app.WaitForRoomServiceCallsAsync(calls => calls.Any(c => c.GetProperty("method").GetString() == "DeleteRoom" && c.GetProperty("body").GetProperty("room").GetString() == live.RoomName));
    }
}
