using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>The real limits, scaled down so a test can reach them: anonymous 5/min per IP, free 6/min, premium 9/min, login 3/min per IP and 2/min per email, webhooks 8/min per IP.</summary>
public class LimitedApp : SpotlightApp
{
    public LimitedApp()
    {
    }

    protected LimitedApp(SpotlightApp primary)
        : base(primary)
    {
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimiting:Anonymous"] = "5",
        ["RateLimiting:Tiers:free"] = "6",
        ["RateLimiting:Tiers:premium"] = "9",
        ["RateLimiting:Tiers:creator"] = "12",
        ["RateLimiting:Policies:login:Limit"] = "3",
        ["RateLimiting:Policies:login-email:Limit"] = "2",
        ["RateLimiting:Policies:register:Limit"] = "1000",
        ["RateLimiting:Policies:webhooks:Limit"] = "8",
    };
}

public sealed class RateLimitTests(LimitedApp app) : IClassFixture<LimitedApp>
{
    private static int Header(HttpResponseMessage response, string name) => int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Anonymous_callers_are_limited_per_ip_with_the_three_headers_and_then_a_429_problem()
    {
        var client = app.CreateClientFrom(TestRemoteIp.NextAddress());
        for (var i = 1; i <= 5; i++)
        {
            var response = await client.GetAsync("/api/v1/users/nobody_at_all");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(5, Header(response, "X-RateLimit-Limit"));
            Assert.Equal(5 - i, Header(response, "X-RateLimit-Remaining"));
            Assert.InRange(Header(response, "X-RateLimit-Reset"), 1, 60);
        }

        var refused = await client.GetAsync("/api/v1/users/nobody_at_all");
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(0, Header(refused, "X-RateLimit-Remaining"));

        var otherAddress = await app.CreateClientFrom(TestRemoteIp.NextAddress()).GetAsync("/api/v1/users/nobody_at_all");
        Assert.Equal(HttpStatusCode.NotFound, otherAddress.StatusCode);
    }

    [Theory]
    [InlineData("free", 6)]
    [InlineData("premium", 9)]
    [InlineData("creator", 12)]
    public async Task Signed_in_users_are_limited_by_their_tier(string tier, int limit)
    {
        var user = await app.CreateUserAsync(tier: tier);
        for (var i = 0; i < limit; i++)
        {
            var response = await user.Client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(limit, Header(response, "X-RateLimit-Limit"));
        }

        await (await user.Client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Admins_are_not_limited()
    {
        var admin = await app.CreateAdminAsync();
        for (var i = 0; i < 30; i++)
        {
            var response = await admin.Client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task A_machine_sending_signed_webhooks_is_counted_under_the_webhooks_policy_not_the_anonymous_budget()
    {
        // One sender (a LiveKit node, a payment provider) past the anonymous 5 per minute: both webhook routes share its
        // webhooks budget of 8; every request still has its signature checked (these unsigned ones are refused).
        var sender = app.CreateClientFrom(TestRemoteIp.NextAddress());
        for (var i = 1; i <= 8; i++)
        {
            using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var response = await sender.PostAsync(i % 2 == 0 ? "/api/v1/livekit/webhooks" : "/api/v1/payments/webhooks/sandbox", body);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True((int)response.StatusCode >= 400, $"an unsigned webhook is refused, got {response.StatusCode}");
            Assert.Equal(8, Header(response, "X-RateLimit-Limit"));
            Assert.Equal(8 - i, Header(response, "X-RateLimit-Remaining"));
        }

        using var ninth = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        await (await sender.PostAsync("/api/v1/payments/webhooks/sandbox", ninth)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");

        // The same address's ordinary anonymous calls keep their own budget.
        Assert.Equal(HttpStatusCode.NotFound, (await sender.GetAsync("/api/v1/users/nobody_at_all")).StatusCode);
    }

    [Fact]
    public async Task Login_is_limited_per_ip()
    {
        var client = app.CreateClientFrom(TestRemoteIp.NextAddress());
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"ip-limit-{i}@example.com", password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(3, Header(response, "X-RateLimit-Limit"));
        }

        var refused = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ip-limit-9@example.com", password = "wrong password" });
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Login_is_limited_per_email_so_one_account_cannot_be_guessed_at_from_many_addresses()
    {
        var email = $"target-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 2; i++)
        {
            var response = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email, password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var refused = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email = email.ToUpperInvariant(), password = "wrong password" });
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Rejections_are_counted_in_the_metrics_by_policy()
    {
        var client = app.CreateClientFrom(TestRemoteIp.NextAddress());
        for (var i = 0; i < 6; i++)
        {
            await client.GetAsync("/api/v1/users/nobody_at_all");
        }

        var metrics = PrometheusText.Parse(await app.CreateClient().GetStringAsync("/metrics"));
        Assert.True(metrics.Value("spotlight_rate_limit_rejections_total", ("policy", "caller")) >= 1);
    }
}

/// <summary>A second server instance on the first one's database: two API nodes behind one load balancer.</summary>
public sealed class SecondNode(SpotlightApp primary) : LimitedApp(primary);

public sealed class MultiNodeRateLimitTests(LimitedApp first) : IClassFixture<LimitedApp>
{
    [PostgresFact]
    public async Task One_limit_holds_across_two_server_instances_on_one_database()
    {
        await using var second = new SecondNode(first);
        await second.InitializeAsync();
        try
        {
            var ip = TestRemoteIp.NextAddress();
            var nodes = new[] { first.CreateClientFrom(ip), second.CreateClientFrom(ip) };
            for (var i = 0; i < 5; i++)
            {
                var response = await nodes[i % 2].GetAsync("/api/v1/users/nobody_at_all");
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal(4 - i, int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));
            }

            await (await nodes[1].GetAsync("/api/v1/users/nobody_at_all")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            await (await nodes[0].GetAsync("/api/v1/users/nobody_at_all")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }

    /// <summary>
    /// Every limited request writes its counter: on PostgreSQL that table is UNLOGGED, so a hit does not wait for a WAL
    /// flush; what must survive a crash stays in the write-ahead log.
    /// </summary>
    [PostgresFact]
    public async Task Counters_skip_the_write_ahead_log_and_money_messages_idempotency_and_audit_do_not()
    {
        var persistence = await first.WithDbAsync(db => db.Database.SqlQueryRaw<PersistenceRow>("""
            SELECT relname AS "Table", relpersistence::text AS "Persistence" FROM pg_class
            WHERE relkind = 'r' AND relname IN ('rate_limit_counters', 'ledger_entries', 'ledger_transactions', 'ledger_accounts',
                'idempotency_records', 'messages', 'audit_entries', 'outbox_messages')
            """).ToDictionaryAsync(r => r.Table, r => r.Persistence));

        Assert.Equal(8, persistence.Count);
        Assert.Equal("u", persistence["rate_limit_counters"]);
        Assert.All(persistence.Where(p => p.Key != "rate_limit_counters"), p => Assert.Equal("p", p.Value));
    }

    private sealed record PersistenceRow(string Table, string Persistence);
}
