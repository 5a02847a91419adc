using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Posts;
using Spotlight.Identity;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Spotlight.Tests.Content.Posts;

/// <summary>A hot post: thousands of likes at once, each from a different user, and the count still exact.</summary>
public sealed class LikeConcurrencyTests(PostsApp app, ITestOutputHelper output) : IClassFixture<PostsApp>
{
    private const int Fans = 2_000;

    // As many requests in flight as the benchmark's load generator keeps connections (64): all of them on one post's row at
    // once. Thousands of simultaneous requests on a shared 2-core test box would measure the box's queue, not the like.
    private readonly SemaphoreSlim _inFlight = new(64);

    [Fact]
    public async Task Two_thousand_concurrent_likes_from_distinct_users_end_with_the_exact_count()
    {
        var author = await app.CreateUserAsync();
        var id = await PostsApp.PostIdAsync(author, new { text = "going viral", visibility = "public" });
        var tokens = await FansAsync(Fans);

        var clock = Stopwatch.StartNew();
        // Half of the fans also repeat their like at the same moment: a retry must not count twice.
        var requests = tokens.Select(t => LikeAsync(t, id)).Concat(tokens.Take(Fans / 2).Select(t => LikeAsync(t, id)));
        var statuses = await Task.WhenAll(requests);
        clock.Stop();
        output.WriteLine($"{statuses.Length} like requests in {clock.ElapsedMilliseconds} ms ({statuses.Length * 1000.0 / clock.ElapsedMilliseconds:F0}/s)");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        var post = await (await author.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(Fans, post.GetProperty("likeCount").GetInt32());
        Assert.Equal(Fans, await app.WithDbAsync(db => db.Set<PostLike>().CountAsync(l => l.PostId == id)));

        // And the other way: every fan takes the like back at once.
        await Task.WhenAll(tokens.Select(t => SendAsync(HttpMethod.Delete, t, id)));
        Assert.Equal(0, (await (await author.Client.GetAsync($"/api/v1/posts/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("likeCount").GetInt32());
    }

    private Task<HttpStatusCode> LikeAsync(string token, Guid postId) => SendAsync(HttpMethod.Post, token, postId);

    /// <summary>
    /// Sends until the server answers other than 503 or 504: SQLite answers 503 when a burst holds its one write lock longer
    /// than the busy timeout, a loaded box may time a request out, and a client retries those (a like is idempotent, so a
    /// retry is always safe, and the exact count below proves it).
    /// </summary>
    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string token, Guid postId)
    {
        using var client = app.CreateClient();
        for (var attempt = 0; ; attempt++)
        {
            HttpStatusCode status;
            await _inFlight.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(method, $"/api/v1/posts/{postId}/like");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.SendAsync(request);
                status = response.StatusCode;
            }
            finally
            {
                _inFlight.Release();
            }

            if (status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout) || attempt == 20)
            {
                return status;
            }

            await Task.Delay(Random.Shared.Next(50, 250));
        }
    }

    /// <summary>Users made the cheap way: rows and sessions inserted at once, tokens issued by the server's own token service.</summary>
    private async Task<List<string>> FansAsync(int count)
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var users = new List<(User User, Guid SessionId)>();
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < count; i++)
            {
                var handle = app.UniqueHandle("fan");
                var user = new User
                {
                    Id = Guid.CreateVersion7(), UserName = handle, NormalizedUserName = handle.ToUpperInvariant(), Email = handle + "@example.com",
                    NormalizedEmail = (handle + "@example.com").ToUpperInvariant(), SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = now,
                };
                var session = new Session { Id = Guid.CreateVersion7(), UserId = user.Id, CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(1) };
                db.Users.Add(user);
                db.Add(session);
                users.Add((user, session.Id));
            }

            await db.SaveChangesAsync();
        });
        var issuer = app.Services.GetRequiredService<TokenService>();
        return users.Select(u => issuer.CreateAccessToken(u.User, u.SessionId, [AuthenticationMethods.Password])).ToList();
    }
}
