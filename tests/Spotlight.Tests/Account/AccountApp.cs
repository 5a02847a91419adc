using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Account;

/// <summary>The posts' and wallet's test server (creators, coins, reconciliation) with the account routes' calls.</summary>
public sealed class AccountApp : PostsApp
{
    public static HttpRequestMessage DeleteMe(object body) =>
        new(HttpMethod.Delete, "/api/v1/me") { Content = JsonContent.Create(body) };

    public static Task<HttpResponseMessage> DeleteAsync(TestUser user, string? password = null, string? totpCode = null) =>
        user.Client.SendAsync(DeleteMe(new { password = password ?? user.Password, totpCode }));

    /// <summary>Asks for an export and waits until the job made it (or failed).</summary>
    public static async Task<JsonElement> ExportReadyAsync(TestUser user, Guid exportId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var export = await (await user.Client.GetAsync($"/api/v1/me/exports/{exportId}")).ShouldBeAsync(HttpStatusCode.OK);
            if (export.GetProperty("status").GetString() != "pending" || DateTime.UtcNow > deadline)
            {
                return export;
            }

            await Task.Delay(100);
        }
    }
}
