using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Realtime;

/// <summary>Who may open a connection to <c>/hubs/realtime</c>, and what closes one.</summary>
public sealed class HubConnectionTests(HubConnectionTests.App app) : IClassFixture<HubConnectionTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:SessionCheckSeconds"] = "1",
            ["Realtime:HandshakeTimeoutSeconds"] = "1",
            ["Spotlight:RequestTimeoutSeconds"] = "1",
        };
    }

    [Fact]
    public async Task Connecting_without_a_token_is_refused()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.OpenHubSocketAsync(null));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_with_a_tampered_token_is_refused()
    {
        var user = await app.CreateUserAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.OpenHubSocketAsync(TestTokens.Tamper(user.AccessToken)));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_with_an_expired_token_is_refused()
    {
        var user = await app.CreateUserAsync();
        var expired = await TestTokens.IssueAsync(app, user, TimeSpan.FromMinutes(-5));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.OpenHubSocketAsync(expired));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_in_the_query_string_opens_a_connection()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);
        Assert.True(hub.IsOpen);
    }

    [Fact]
    public async Task The_connection_closes_when_its_access_token_expires()
    {
        var user = await app.CreateUserAsync();
        var shortLived = await TestTokens.IssueAsync(app, user, TimeSpan.FromSeconds(3));
        await using var hub = await app.ConnectHubAsync(shortLived);
        Assert.True(hub.IsOpen);

        var closed = await hub.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(hub.IsOpen, closed.How);
    }

    [Fact]
    public async Task Banning_a_user_closes_their_connections_at_once()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        await using var phone = await app.ConnectHubAsync(user);
        await using var laptop = await app.ConnectHubAsync(user);

        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/ban", new { reason = "spam" })).EnsureSuccessStatusCode();

        await Task.WhenAll(phone.Closed, laptop.Closed).WaitAsync(TimeSpan.FromSeconds(5));
        var again = await Assert.ThrowsAnyAsync<Exception>(() => app.OpenHubSocketAsync(user.AccessToken));
        Assert.Contains("401", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_the_session_closes_its_connections()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);

        var revoke = await user.Client.DeleteAsync($"/api/v1/auth/sessions/{TestTokens.SessionOf(user.AccessToken)}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        await hub.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_client_that_never_completes_the_handshake_is_dropped()
    {
        var user = await app.CreateUserAsync();
        using var socket = await app.OpenHubSocketAsync(user.AccessToken);
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        while (received.MessageType != WebSocketMessageType.Close)
        {
            received = await socket.ReceiveAsync(buffer, timeout.Token);
        }

        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
    }

    [Fact]
    public async Task A_connection_outlives_the_request_timeout()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var answer = await hub.TryInvokeAsync("Typing", Guid.NewGuid().ToString());
        Assert.True(hub.IsOpen);
        Assert.Equal("not_found", answer.Code);
    }

    [Fact]
    public async Task A_message_larger_than_the_limit_closes_the_connection()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);
        await hub.SendRawRecordAsync($$"""{"type":1,"invocationId":"1","target":"Typing","arguments":["{{new string('x', 40_000)}}"]}""");

        await hub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
