using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Spotlight.Tests.Infrastructure;
using Spotlight.Webhooks;
using static Spotlight.Tests.Webhooks.WebhookCalls;

namespace Spotlight.Tests.Webhooks;

/// <summary>
/// Deliveries to a real receiver on loopback: signed as Standard Webhooks (the StandardWebhooks package's Verify accepts
/// them, also during a secret rotation), from the outbox after commit, retried on the schedule when the receiver is
/// down, slow, failing or asks to wait, and endpoints disabled when they are gone or have failed for days.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task A_test_event_arrives_signed_as_Standard_Webhooks_and_is_listed_as_succeeded_with_its_latency()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();
        var (endpoint, secret) = await RegisterAsync(admin, url, "gift.sent");

        var delivery = await SendTestAsync(admin, endpoint);

        var row = await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() == "succeeded");
        var received = Assert.Single(app.Receiver.At(url));
        new StandardWebhook(secret).Verify(received.Body, received.Headers); // throws unless the signature is right
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(WebhookSecretsForTests.Other()).Verify(received.Body, received.Headers));
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("webhook.test", body.GetProperty("type").GetString());
        Assert.True(body.TryGetProperty("timestamp", out _));
        Assert.Equal(endpoint, body.GetProperty("data").GetProperty("endpointId").GetGuid());
        Assert.Equal(row.GetProperty("messageId").GetString(), received.Id);
        Assert.Matches("^v1,[A-Za-z0-9+/]+=*$", received.Signature);
        Assert.Equal((1, 200), (row.GetProperty("attempts").GetInt32(), row.GetProperty("responseCode").GetInt32()));
        Assert.True(row.GetProperty("latencyMs").GetInt32() >= 0);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("nextAttemptAt").ValueKind);
        var metrics = await app.CreateClient().GetStringAsync("/metrics");
        Assert.Contains("spotlight_webhook_deliveries_total{event=\"webhook.test\",outcome=\"succeeded\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_domain_event_goes_from_the_outbox_to_the_endpoints_subscribed_to_its_type_only()
    {
        var admin = await app.CreateAdminAsync();
        var reports = app.Receiver.NewUrl();
        var gifts = app.Receiver.NewUrl();
        var (reportEndpoint, secret) = await RegisterAsync(admin, reports, "report.created");
        await RegisterAsync(admin, gifts, "gift.sent");
        var target = await app.CreateUserAsync();

        var report = await (await (await app.CreateUserAsync()).Client.PostAsJsonAsync("/api/v1/reports", new { targetType = "user", targetId = target.Id, reason = "spam" }))
            .ShouldBeAsync(HttpStatusCode.Created);

        var received = await ArrivalAsync(reports);
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("report.created", body.GetProperty("type").GetString());
        Assert.Equal(report.GetProperty("id").GetGuid(), body.GetProperty("data").GetProperty("reportId").GetGuid());
        Assert.Equal(target.Id, body.GetProperty("data").GetProperty("targetId").GetGuid());
        var rows = await (await admin.Client.GetAsync($"{Api}/{reportEndpoint}/deliveries")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("report.created", Assert.Single(rows.GetProperty("items").EnumerateArray()).GetProperty("type").GetString());
        Assert.Empty(app.Receiver.At(gifts));
    }

    [Fact]
    public async Task A_deleted_account_is_announced_as_user_deleted_with_its_id_and_nothing_personal()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();
        var (_, secret) = await RegisterAsync(admin, url, "user.deleted");
        var leaving = await app.CreateUserAsync();

        (await admin.Client.DeleteAsync($"/api/v1/admin/users/{leaving.Id}")).EnsureSuccessStatusCode();

        var received = await ArrivalAsync(url);
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("user.deleted", body.GetProperty("type").GetString());
        Assert.Equal(leaving.Id, body.GetProperty("data").GetProperty("userId").GetGuid());
        Assert.DoesNotContain(leaving.Email, received.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(leaving.Handle, received.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_new_account_is_announced_as_user_registered_with_its_id_and_handle_only()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();
        var (_, secret) = await RegisterAsync(admin, url, "user.registered");

        var joined = await app.CreateUserAsync();

        var received = await ArrivalAsync(url, r => r.Body.Contains(joined.Id.ToString(), StringComparison.Ordinal));
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal("user.registered", body.GetProperty("type").GetString());
        Assert.Equal(joined.Handle, body.GetProperty("data").GetProperty("handle").GetString());
        Assert.DoesNotContain(joined.Email, received.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_receiver_answering_500_then_200_gets_the_event_again_on_the_retry_and_it_succeeds_once()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(500));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));
        Assert.Equal(("pending", 500), (failed.Status(), failed.GetProperty("responseCode").GetInt32()));
        var lastAttempt = failed.GetProperty("lastAttemptAt").GetDateTime();
        Assert.InRange(failed.GetProperty("nextAttemptAt").GetDateTime() - lastAttempt, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)); // the schedule's 5 s
        Assert.NotNull(await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint).Select(e => e.FailingSince).SingleAsync()));

        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var delivered = await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() != "pending");

        Assert.Equal(("succeeded", 2, 200), (delivered.Status(), delivered.GetProperty("attempts").GetInt32(), delivered.GetProperty("responseCode").GetInt32()));
        var received = app.Receiver.At(url);
        Assert.Equal(2, received.Count);
        Assert.Single(received.Select(r => r.Id).Distinct()); // the same webhook-id on every attempt
        Assert.Null(await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint).Select(e => e.FailingSince).SingleAsync()));
        await Task.Delay(1500);
        Assert.Equal(2, app.Receiver.At(url).Count); // nothing more once it succeeded
    }

    [Fact]
    public async Task A_receiver_that_is_down_is_tried_again_later_and_gets_the_event_once_it_is_up()
    {
        var admin = await app.CreateAdminAsync();
        var (endpoint, _) = await RegisterAsync(admin, "http://127.0.0.1:9/hooks/down"); // nothing listens on port 9
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));

        Assert.Equal("pending", failed.Status());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("responseCode").ValueKind);
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("lastError").GetString()));
        var url = app.Receiver.NewUrl();
        await (await admin.Client.PatchAsJsonAsync($"{Api}/{endpoint}", new { url })).ShouldBeAsync(HttpStatusCode.OK); // the receiver is up (at last)
        app.Clock.Advance(TimeSpan.FromSeconds(6));
        var delivered = await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() == "succeeded");
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
        Assert.Single(app.Receiver.At(url));
    }

    [Fact]
    public async Task A_slow_receiver_times_out_and_the_attempt_counts_as_failed()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(200, TimeSpan.FromSeconds(6)));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));

        Assert.Equal("pending", failed.Status());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("responseCode").ValueKind);
        Assert.StartsWith("No answer within 2 s", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.InRange(failed.GetProperty("latencyMs").GetInt32(), 1900, 5900);
        await (await admin.Client.DeleteAsync($"{Api}/{endpoint}")).ShouldBeAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_and_fails_the_delivery_for_good()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(410));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() != "pending");

        Assert.Equal(("failed", 410), (failed.Status(), failed.GetProperty("responseCode").GetInt32()));
        var read = await (await admin.Client.GetAsync($"{Api}/{endpoint}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False(read.GetProperty("enabled").GetBoolean());
        Assert.Equal("gone", read.GetProperty("disabledReason").GetString());
        await (await admin.Client.PostAsync($"{Api}/{endpoint}/test", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "webhook_disabled");
        await (await admin.Client.PostAsync($"{Api}/{endpoint}/deliveries/{delivery}/retry", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "webhook_disabled");
    }

    [Fact]
    public async Task Retry_After_on_a_503_sets_the_next_attempt_instead_of_the_schedule()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(503, Headers: new() { ["Retry-After"] = "120" }));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));

        Assert.Equal(("pending", 503), (failed.Status(), failed.GetProperty("responseCode").GetInt32()));
        Assert.InRange(failed.GetProperty("nextAttemptAt").GetDateTime() - failed.GetProperty("lastAttemptAt").GetDateTime(), TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(121));
        app.Clock.Advance(TimeSpan.FromSeconds(10)); // past the schedule's 5 s, not the receiver's 120 s
        await Task.Delay(2500);
        Assert.Single(app.Receiver.At(url));
        app.Clock.Advance(TimeSpan.FromSeconds(115));
        Assert.Equal("succeeded", (await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() != "pending")).Status());
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_until_the_overlap_ends_and_each_verifies()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();
        var (endpoint, old) = await RegisterAsync(admin, url);

        var rotated = await (await admin.Client.PostAsync($"{Api}/{endpoint}/secret/rotate", null)).ShouldBeAsync(HttpStatusCode.OK);
        var secret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(old, secret);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(rotated.GetProperty("previousSecretExpiresAt").GetDateTime() - app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        var delivery = await SendTestAsync(admin, endpoint);
        await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() == "succeeded");

        var received = Assert.Single(app.Receiver.At(url));
        Assert.Equal(2, received.Signature.Split(' ').Distinct().Count()); // one signature per secret
        Assert.All(received.Signature.Split(' '), s => Assert.StartsWith("v1,", s, StringComparison.Ordinal));
        Assert.All(new[] { secret, old }, key => Assert.Contains(
            "v1," + WebhookSecrets.Signature(key, received.Id, long.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture), received.Body),
            received.Signature.Split(' ')));
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        new StandardWebhook(old).Verify(received.Body, received.Headers);

        await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.PreviousSecretExpiresAt, app.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1)))); // the overlap is over
        var after = await SendTestAsync(admin, endpoint);
        await WaitForDeliveryAsync(admin, endpoint, after, r => r.Status() == "succeeded");
        var last = app.Receiver.At(url)[^1];
        Assert.Single(last.Signature.Split(' '));
        new StandardWebhook(secret).Verify(last.Body, last.Headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(old).Verify(last.Body, last.Headers));
    }

    [Fact]
    public async Task An_endpoint_failing_for_five_days_is_disabled()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(500));
        var (endpoint, _) = await RegisterAsync(admin, url);
        await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == endpoint)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, app.Clock.GetUtcNow().UtcDateTime.AddDays(-5).AddMinutes(-1))));

        var delivery = await SendTestAsync(admin, endpoint);

        await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));
        var read = await (await admin.Client.GetAsync($"{Api}/{endpoint}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False(read.GetProperty("enabled").GetBoolean());
        Assert.Equal("failing", read.GetProperty("disabledReason").GetString());

        var enabled = await (await admin.Client.PatchAsJsonAsync($"{Api}/{endpoint}", new { enabled = true })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("failingSince").ValueKind);
        await (await admin.Client.DeleteAsync($"{Api}/{endpoint}")).ShouldBeAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_delivery_that_failed_for_good_is_sent_again_by_a_retry()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(500));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);
        await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));
        await app.WithDbAsync(db => db.Set<WebhookDelivery>().Where(d => d.Id == delivery)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, "failed"))); // as after 3 days of failures

        var retried = await (await admin.Client.PostAsync($"{Api}/{endpoint}/deliveries/{delivery}/retry", null)).ShouldBeAsync(HttpStatusCode.Accepted);

        Assert.Equal("pending", retried.Status());
        var delivered = await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() == "succeeded");
        Assert.Equal(2, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(2, app.Receiver.At(url).Count);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_attempt()
    {
        var admin = await app.CreateAdminAsync();
        var elsewhere = app.Receiver.NewUrl();
        var url = app.Receiver.NewUrl(new Answer(302, Headers: new() { ["Location"] = elsewhere }));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);

        var failed = await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));

        Assert.Equal(("pending", 302), (failed.Status(), failed.GetProperty("responseCode").GetInt32()));
        Assert.Contains("redirects are not followed", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Empty(app.Receiver.At(elsewhere));
        await (await admin.Client.DeleteAsync($"{Api}/{endpoint}")).ShouldBeAsync(HttpStatusCode.NoContent);
    }

    private Task<Received> ArrivalAsync(string url) => ArrivalAsync(url, _ => true);

    private async Task<Received> ArrivalAsync(string url, Func<Received, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!app.Receiver.At(url).Any(match))
        {
            Assert.True(DateTime.UtcNow < deadline, "Nothing arrived in 20 s.");
            await Task.Delay(200);
        }

        return app.Receiver.At(url).First(match);
    }
}

internal static class WebhookSecretsForTests
{
    public static string Other() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
