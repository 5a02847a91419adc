using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// During an active PK battle both creators may publish in each other's room (API.md, Live: tokens): the guest token in
/// the battle's answers and the one <c>POST /live/{id}/join</c> gives them, checked by LiveKit's own SDK; viewers' and
/// anyone's outside a battle stay subscribe-only.
/// </summary>
public sealed class PkTokenTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task While_a_battle_is_active_each_creator_may_publish_in_the_others_room_and_a_viewer_may_not()
    {
        var (a, liveA) = await app.GoLiveAsync();
        var (b, liveB) = await app.GoLiveAsync();
        var viewer = await app.CreateUserAsync();
        var invited = await (await a.Client.PostAsJsonAsync($"/api/v1/live/{liveA.Id}/pk", new { opponentLiveId = liveB.Id, durationSeconds = 60 }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var pk = invited.GetProperty("id").GetString();
        Assert.False(await CanPublishAsync(await JoinAsync(b, liveA), liveA.RoomName, b)); // invited only: a viewer still

        var accepted = await (await b.Client.PostAsync($"/api/v1/pk/{pk}/accept", null)).ShouldBeAsync(HttpStatusCode.OK);
        var guest = accepted.GetProperty("guest");
        Assert.Equal(liveA.RoomName, guest.GetProperty("roomName").GetString());
        Assert.Equal($"ws://127.0.0.1:{app.Port}", guest.GetProperty("livekitUrl").GetString());
        Assert.True(await CanPublishAsync(guest.GetProperty("token").GetString()!, liveA.RoomName, b));
        var inviterGuest = (await (await a.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("guest");
        Assert.True(await CanPublishAsync(inviterGuest.GetProperty("token").GetString()!, liveB.RoomName, a));
        Assert.Equal(JsonValueKind.Null, (await (await viewer.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("guest").ValueKind);

        Assert.True(await CanPublishAsync(await JoinAsync(b, liveA), liveA.RoomName, b));
        Assert.True(await CanPublishAsync(await JoinAsync(a, liveB), liveB.RoomName, a));
        Assert.False(await CanPublishAsync(await JoinAsync(viewer, liveA), liveA.RoomName, viewer));
        Assert.False(await CanPublishAsync(await JoinAsync(viewer, liveB), liveB.RoomName, viewer));

        // B's live ends (a forfeit): the battle is over, and B is a viewer in A's room again.
        (await b.Client.PostAsync($"/api/v1/live/{liveB.Id}/end", null)).EnsureSuccessStatusCode();
        await WaitAsync(async () => (await (await a.Client.GetAsync($"/api/v1/pk/{pk}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("status").GetString() == "ended");
        Assert.False(await CanPublishAsync(await JoinAsync(b, liveA), liveA.RoomName, b));
    }

    private static async Task<string> JoinAsync(TestUser caller, StartedLive live) =>
        (await (await caller.Client.PostAsync($"/api/v1/live/{live.Id}/join", null)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("token").GetString()!;

    /// <summary>What LiveKit's SDK reads from the token: its holder, its room, and whether it may publish (media and data alike).</summary>
    private async Task<bool> CanPublishAsync(string token, string room, TestUser holder)
    {
        var claims = await app.VerifyWithSdkAsync(token);
        Assert.Equal(holder.Id.ToString(), claims.GetProperty("sub").GetString());
        var video = claims.GetProperty("video");
        Assert.Equal(room, video.GetProperty("room").GetString());
        Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        Assert.Equal(video.GetProperty("canPublish").GetBoolean(), video.GetProperty("canPublishData").GetBoolean());
        return video.GetProperty("canPublish").GetBoolean();
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "Not done within 15 s.");
            await Task.Delay(100);
        }
    }
}
