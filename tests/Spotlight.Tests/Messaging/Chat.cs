using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Messaging;

/// <summary>Conversations and messages through the REST API, for tests that need some to exist.</summary>
public static class Chat
{
    public static async Task<Guid> DirectAsync(TestUser from, TestUser to)
    {
        var response = await from.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = new[] { to.Id } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> GroupAsync(TestUser owner, string title, params TestUser[] members)
    {
        var response = await owner.Client.PostAsJsonAsync("/api/v1/conversations", new { memberIds = members.Select(m => m.Id).ToArray(), title });
        var json = await response.ShouldBeAsync(HttpStatusCode.Created);
        return json.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> PostAsync(TestUser sender, Guid conversationId, string text, string? clientMessageId = null)
    {
        var response = await sender.Client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages",
            new { text, clientMessageId = clientMessageId ?? Guid.NewGuid().ToString() });
        return await response.ShouldBeAsync(HttpStatusCode.Created);
    }

    /// <summary>
    /// Posts as a well-behaved client does under load: a 503 (the database busy, SQLite's single writer under a burst)
    /// is retried after its Retry-After with the same clientMessageId, so the message is stored once.
    /// </summary>
    public static async Task<JsonElement> PostRetryingAsync(TestUser sender, Guid conversationId, string text)
    {
        var clientMessageId = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var response = await sender.Client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text, clientMessageId });
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return await response.ShouldBeAsync(HttpStatusCode.Created);
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    public static async Task<List<JsonElement>> HistoryAsync(TestUser reader, Guid conversationId, string query = "")
    {
        var json = await (await reader.Client.GetAsync($"/api/v1/conversations/{conversationId}/messages{query}")).ShouldBeAsync(HttpStatusCode.OK);
        return json.GetProperty("items").EnumerateArray().ToList();
    }
}
