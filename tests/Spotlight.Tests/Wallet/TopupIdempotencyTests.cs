using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Topups;

namespace Spotlight.Tests.Wallet;

/// <summary>A top-up moves no coins until paid, so its key is optional; when an app sends one, a retry is the same top-up.</summary>
public sealed class TopupIdempotencyTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_retried_topup_with_the_same_key_is_the_same_topup_and_checkout()
    {
        var user = await app.CreateUserAsync();
        var key = Guid.NewGuid().ToString();

        var first = await (await StartAsync(user, "coins_100", key)).ShouldBeAsync(HttpStatusCode.Created);
        var retry = await StartAsync(user, "coins_100", key);

        var replayed = await retry.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("checkoutUrl").GetString(), replayed.GetProperty("checkoutUrl").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Topup>().CountAsync(t => t.UserId == user.Id)));
        // The replay found the key by a unique-index conflict: an expected outcome, never an error in the logs.
        var requestId = retry.Headers.GetValues("X-Request-Id").Single();
        Assert.Contains(app.Logs.Lines, l => l.RequestId == requestId); // the request was logged, with its id
        Assert.DoesNotContain(app.Logs.Lines, l => l.RequestId == requestId && l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_same_key_for_another_package_is_refused_and_no_key_starts_a_topup_each_time()
    {
        var user = await app.CreateUserAsync();
        var key = Guid.NewGuid().ToString();
        await (await StartAsync(user, "coins_100", key)).ShouldBeAsync(HttpStatusCode.Created);

        await (await StartAsync(user, "coins_550", key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await StartAsync(user, "coins_100", key: null)).ShouldBeAsync(HttpStatusCode.Created);
        await (await StartAsync(user, "coins_100", key: null)).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(3, await app.WithDbAsync(db => db.Set<Topup>().CountAsync(t => t.UserId == user.Id)));
    }

    private static Task<HttpResponseMessage> StartAsync(TestUser user, string packageId, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/wallet/topups") { Content = JsonContent.Create(new { packageId }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return user.Client.SendAsync(request);
    }
}
