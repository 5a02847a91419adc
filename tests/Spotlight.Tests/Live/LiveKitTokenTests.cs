using Spotlight.Live.LiveKit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>Every token Spotlight mints is one LiveKit's own SDK accepts, with the grants meant (API.md, Live: tokens).</summary>
public sealed class LiveKitTokenTests(LiveKitApp app) : IClassFixture<LiveKitApp>
{
    [ToolFact("node", "npm")]
    public async Task A_publisher_token_is_accepted_by_the_sdk_with_identity_name_and_a_grant_to_publish_in_its_room_for_six_hours()
    {
        var userId = Guid.CreateVersion7();
        var token = Mint(c => app.Services.GetRequiredService<LiveKitTokens>().Participant(c, userId, "ada", RoomGrant.Publisher("live_room_1")));

        var claims = await app.VerifyWithSdkAsync(token);

        Assert.Equal(LiveKitApp.ApiKey, claims.GetProperty("iss").GetString());
        Assert.Equal(userId.ToString(), claims.GetProperty("sub").GetString());
        Assert.Equal("ada", claims.GetProperty("name").GetString());
        Assert.Equal(TimeSpan.FromHours(6).TotalSeconds, claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        var video = claims.GetProperty("video");
        Assert.Equal("live_room_1", video.GetProperty("room").GetString());
        Assert.True(video.GetProperty("roomJoin").GetBoolean());
        Assert.True(video.GetProperty("canPublish").GetBoolean());
        Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        Assert.True(video.GetProperty("canPublishData").GetBoolean());
        Assert.False(video.TryGetProperty("roomAdmin", out _));
    }

    [ToolFact("node", "npm")]
    public async Task A_viewer_token_lets_its_holder_subscribe_and_nothing_more()
    {
        var token = Mint(c => app.Services.GetRequiredService<LiveKitTokens>().Participant(c, Guid.CreateVersion7(), "viewer", RoomGrant.Viewer("live_room_2")));

        var video = (await app.VerifyWithSdkAsync(token)).GetProperty("video");

        Assert.Equal("live_room_2", video.GetProperty("room").GetString());
        Assert.True(video.GetProperty("roomJoin").GetBoolean());
        Assert.True(video.GetProperty("canSubscribe").GetBoolean());
        Assert.False(video.GetProperty("canPublish").GetBoolean());
        Assert.False(video.GetProperty("canPublishData").GetBoolean());
    }

    [ToolFact("node", "npm")]
    public async Task An_admin_token_carries_the_grants_LiveKits_room_service_requires_and_is_short_lived()
    {
        var token = Mint(c => app.Services.GetRequiredService<LiveKitTokens>().Admin(c, "live_room_3"));

        var claims = await app.VerifyWithSdkAsync(token);

        var video = claims.GetProperty("video");
        Assert.True(video.GetProperty("roomAdmin").GetBoolean());
        Assert.True(video.GetProperty("roomCreate").GetBoolean());
        Assert.True(video.GetProperty("roomList").GetBoolean());
        Assert.Equal("live_room_3", video.GetProperty("room").GetString());
        Assert.False(video.TryGetProperty("roomJoin", out _));
        Assert.True(claims.GetProperty("exp").GetInt64() - claims.GetProperty("nbf").GetInt64() <= 600);
    }

    [ToolFact("node", "npm")]
    public async Task The_sdk_refuses_a_spotlight_token_checked_with_another_secret_so_its_acceptance_means_something()
    {
        var token = Mint(c => app.Services.GetRequiredService<LiveKitTokens>().Participant(c, Guid.CreateVersion7(), "x", RoomGrant.Viewer("r")));

        await Assert.ThrowsAsync<SdkRefusedException>(() => app.VerifyWithSdkAsync(token, apiSecret: "some-other-secret-0123456789abcdefghij"));
    }

    [ToolFact("node", "npm")]
    public async Task During_a_rotation_tokens_are_signed_with_the_current_secret_never_the_one_being_rotated_out()
    {
        var token = Mint(c => app.Services.GetRequiredService<LiveKitTokens>().Participant(c, Guid.CreateVersion7(), "x", RoomGrant.Viewer("r")));

        await app.VerifyWithSdkAsync(token, apiSecret: LiveKitApp.ApiSecret);
        await Assert.ThrowsAsync<SdkRefusedException>(() => app.VerifyWithSdkAsync(token, apiSecret: LiveKitApp.PreviousApiSecret));
    }

    private string Mint(Func<LiveKitConnection, string> mint)
    {
        var connection = app.Services.GetRequiredService<LiveKitSettings>().Connection();
        Assert.Null(connection.Refusal);
        return mint(connection.Value!);
    }
}
