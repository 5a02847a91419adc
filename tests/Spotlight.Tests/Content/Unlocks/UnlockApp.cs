using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Content.Unlocks;

/// <summary>The posts' test server with the calls unlock tests make.</summary>
public class UnlockApp : PostsApp
{
    public static async Task<Guid> PremiumPostAsync(TestUser creator, long price, string text = "the good part") =>
        await PostIdAsync(creator, new { text, visibility = "premium", price });

    public static Task<HttpResponseMessage> UnlockAsync(TestUser buyer, Guid postId, string? key = null) =>
        buyer.Client.PostMoneyAsync($"/api/v1/content/{postId}/unlock", new { }, key);

    public static async Task<JsonElement> ReadPostAsync(TestUser reader, Guid postId) =>
        await (await reader.Client.GetAsync($"/api/v1/posts/{postId}")).ShouldBeAsync(HttpStatusCode.OK);

    public static async Task<bool> LockedForAsync(TestUser reader, Guid postId) => (await ReadPostAsync(reader, postId)).GetProperty("locked").GetBoolean();

    public static async Task ChangePriceAsync(TestUser creator, Guid postId, long price) =>
        await (await creator.Client.PatchAsJsonAsync($"/api/v1/posts/{postId}", new { price })).ShouldBeAsync(HttpStatusCode.OK);

    public Task<(int Unlocks, int UnlockCount)> CountsAsync(Guid postId) => WithDbAsync(async db =>
        (await db.Set<PostUnlock>().CountAsync(u => u.PostId == postId), await db.Set<Post>().Where(p => p.Id == postId).Select(p => p.UnlockCount).SingleAsync()));
}
