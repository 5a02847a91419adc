using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Idempotency;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>
/// A stand-in for a money endpoint: it records an audit entry (the "money") and completes the idempotency key in the
/// same SaveChanges. The number of entries is the number of times the handler really ran.
/// </summary>
public sealed class IdempotentChargeHost : PlatformHost
{
    public int Executions;
    public int FailuresLeft;

    protected override void Map(WebApplication app)
    {
        app.MapPost("/api/test/charge", async (ChargeRequest request, SpotlightDb db, AuditLog audit, IdempotencyContext idempotency) =>
        {
            Interlocked.Increment(ref Executions);
            await Task.Delay(request.DelayMs);
            if (request.Amount <= 0)
            {
                return Results.Problem(statusCode: 402, extensions: new Dictionary<string, object?> { ["code"] = "insufficient_funds" });
            }

            var entry = audit.Add(db, "test.charged", "charge", request.Reference, new { request.Amount });
            if (Interlocked.Decrement(ref FailuresLeft) >= 0)
            {
                throw new InvalidOperationException("Simulated crash after the debit was staged.");
            }

            var body = new ChargeResponse(entry.Id, request.Amount);
            idempotency.Complete(db, StatusCodes.Status201Created, body);
            await db.SaveChangesAsync();
            return Results.Created($"/api/test/charge/{entry.Id}", body);
        }).RequireIdempotency();
    }
}

public sealed record ChargeRequest(string Reference, long Amount, int DelayMs = 0);

public sealed record ChargeResponse(Guid Id, long Amount);

public sealed class IdempotencyTests(IdempotentChargeHost host) : IClassFixture<IdempotentChargeHost>
{
    private Task<int> ChargesAsync(string reference) =>
        host.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "test.charged" && e.TargetId == reference));

    private static HttpRequestMessage Charge(string? key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/charge") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task A_money_post_without_a_key_is_refused()
    {
        var response = await host.CreateClient().SendAsync(Charge(null, new ChargeRequest("no-key", 5)));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
        Assert.Equal(0, await ChargesAsync("no-key"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public async Task A_key_that_is_not_1_to_255_printable_ascii_characters_is_refused(string key)
    {
        var request = Charge(null, new ChargeRequest("bad-key", 5));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        var response = await host.CreateClient().SendAsync(request);
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
    }

    [Fact]
    public async Task The_same_key_and_body_replays_the_stored_response_and_moves_nothing_twice()
    {
        var key = Guid.NewGuid().ToString();
        var client = host.CreateClient();
        var first = await client.SendAsync(Charge(key, new ChargeRequest("replay", 7)));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));

        var second = await client.SendAsync(Charge(key, new ChargeRequest("replay", 7)));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await ChargesAsync("replay"));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_as_reused()
    {
        var key = Guid.NewGuid().ToString();
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Charge(key, new ChargeRequest("reuse", 7)))).StatusCode);
        var other = await client.SendAsync(Charge(key, new ChargeRequest("reuse", 8)));
        await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await ChargesAsync("reuse"));
    }

    [Fact]
    public async Task Fifty_concurrent_requests_with_one_key_run_the_handler_once()
    {
        var key = Guid.NewGuid().ToString();
        var before = Volatile.Read(ref host.Executions);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            host.CreateClient().SendAsync(Charge(key, new ChargeRequest("storm", 3, DelayMs: 300)))));

        Assert.Equal(1, await ChargesAsync("storm"));
        Assert.Equal(1, Volatile.Read(ref host.Executions) - before);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"unexpected {(int)r.StatusCode}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.ShouldBeProblemAsync(HttpStatusCode.Conflict, "idempotency_in_progress");
        }
    }

    [Fact]
    public async Task A_handler_that_throws_leaves_nothing_behind_and_the_key_retryable()
    {
        var key = Guid.NewGuid().ToString();
        var client = host.CreateClient();
        Interlocked.Exchange(ref host.FailuresLeft, 1);
        var crashed = await client.SendAsync(Charge(key, new ChargeRequest("crash", 9)));
        await crashed.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Equal(0, await ChargesAsync("crash"));

        var retried = await client.SendAsync(Charge(key, new ChargeRequest("crash", 9)));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(1, await ChargesAsync("crash"));
    }

    [Fact]
    public async Task A_refusal_is_not_stored_so_the_key_can_be_retried_once_the_cause_is_fixed()
    {
        var key = Guid.NewGuid().ToString();
        var client = host.CreateClient();
        var refused = await client.SendAsync(Charge(key, new ChargeRequest("refused", 0)));
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var again = await client.SendAsync(Charge(key, new ChargeRequest("refused", 0)));
        Assert.Equal(HttpStatusCode.PaymentRequired, again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        var key = Guid.NewGuid().ToString();
        var anonymous = await host.CreateClient().SendAsync(Charge(key, new ChargeRequest("scope-a", 4)));
        Assert.Equal(HttpStatusCode.Created, anonymous.StatusCode);

        var register = await host.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"scope{Guid.NewGuid():N}@example.com", password = "a quite long passphrase", handle = "scope_" + Guid.NewGuid().ToString("N")[..8] });
        var tokens = await register.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json);
        var signedIn = host.CreateClient();
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", tokens!.AccessToken);
        var other = await signedIn.SendAsync(Charge(key, new ChargeRequest("scope-b", 4)));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.False(other.Headers.Contains("Idempotent-Replayed"));
    }
}
