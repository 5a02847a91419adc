using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Topups;

namespace Spotlight.Tests.Wallet;

public sealed class WebhookTests(WalletApp app) : IClassFixture<WalletApp>
{
    private async Task<(TestUser User, Guid TopupId)> PendingTopupAsync()
    {
        var user = await app.CreateUserAsync();
        var created = await (await user.Client.PostAsJsonAsync("/api/v1/wallet/topups", new { packageId = "coins_100" })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(100, created.GetProperty("amount").GetInt64());
        Assert.Equal("sandbox", created.GetProperty("provider").GetString());
        return (user, created.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_signed_event_credits_the_pending_topup_from_the_providers_clearing_account()
    {
        var (user, topupId) = await PendingTopupAsync();
        var receipt = await (await app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent("evt_" + Guid.NewGuid(), topupId, 100)))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("credited", receipt.GetProperty("outcome").GetString());
        Assert.Equal(100, await app.BalanceAsync(user));

        var topup = await (await user.Client.GetAsync($"/api/v1/wallet/topups/{topupId}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("succeeded", topup.GetProperty("status").GetString());
        var line = (await (await user.Client.GetAsync("/api/v1/wallet/transactions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items")[0];
        Assert.Equal("topup", line.GetProperty("type").GetString());
        Assert.Equal(100, line.GetProperty("balanceAfter").GetInt64());
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task One_event_delivered_ten_times_at_once_credits_once()
    {
        var (user, topupId) = await PendingTopupAsync();
        var body = WalletApp.TopupEvent("evt_" + Guid.NewGuid(), topupId, 100);
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => app.CreateClient().SendAsync(app.Webhook(body))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(100, await app.BalanceAsync(user));
        var rows = await app.WithDbAsync(db => db.Set<PaymentEvent>().CountAsync(e => e.TopupId == topupId));
        Assert.Equal(1, rows);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task Two_events_claiming_one_topup_credit_it_once()
    {
        var (user, topupId) = await PendingTopupAsync();
        var responses = await Task.WhenAll(
            app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent("evt_a_" + Guid.NewGuid(), topupId, 100))),
            app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent("evt_b_" + Guid.NewGuid(), topupId, 100))));
        var outcomes = new List<string?>();
        foreach (var response in responses)
        {
            outcomes.Add((await response.ShouldBeAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        }

        Assert.Equal(["already_credited", "credited"], outcomes.Order());
        Assert.Equal(100, await app.BalanceAsync(user));
    }

    [Fact]
    public async Task A_wrong_secret_an_edited_body_a_stale_or_future_timestamp_or_no_signature_gets_400_and_credits_nothing()
    {
        var (user, topupId) = await PendingTopupAsync();
        var body = WalletApp.TopupEvent("evt_" + Guid.NewGuid(), topupId, 100);
        var client = app.CreateClient();

        await (await client.SendAsync(app.Webhook(body, secret: "whsec_wrong"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        var edited = app.Webhook(body);
        edited.Content = new StringContent(body.Replace("100", "900", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        await (await client.SendAsync(edited)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        await (await client.SendAsync(app.Webhook(body, at: app.Clock.GetUtcNow().AddSeconds(-301)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        await (await client.SendAsync(app.Webhook(body, at: app.Clock.GetUtcNow().AddSeconds(301)))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        await (await client.SendAsync(app.Webhook(body, sign: false))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        var garbage = app.Webhook(body, sign: false);
        garbage.Headers.Add("Spotlight-Signature", "t=abc,v1=zz");
        await (await client.SendAsync(garbage)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");

        Assert.Equal(0, await app.BalanceAsync(user));
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<PaymentEvent>().CountAsync(e => e.TopupId == topupId)));

        // A timestamp just inside the tolerance is accepted.
        await (await client.SendAsync(app.Webhook(body, at: app.Clock.GetUtcNow().AddSeconds(-290)))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(100, await app.BalanceAsync(user));
    }

    [Fact]
    public async Task An_event_for_an_unknown_topup_is_recorded_and_ignored()
    {
        var eventId = "evt_" + Guid.NewGuid();
        var receipt = await (await app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent(eventId, Guid.NewGuid(), 100)))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("unknown_topup", receipt.GetProperty("outcome").GetString());
        var recorded = await app.WithDbAsync(db => db.Set<PaymentEvent>().SingleAsync(e => e.EventId == eventId));
        Assert.Equal("unknown_topup", recorded.Outcome);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task An_event_whose_amount_differs_from_the_package_credits_nothing()
    {
        var (user, topupId) = await PendingTopupAsync();
        var receipt = await (await app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent("evt_" + Guid.NewGuid(), topupId, 100_000)))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("amount_mismatch", receipt.GetProperty("outcome").GetString());
        Assert.Equal(0, await app.BalanceAsync(user));
    }

    [Fact]
    public async Task Other_event_types_are_acknowledged_and_ignored_and_unknown_packages_or_providers_are_refused()
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new { id = "evt_" + Guid.NewGuid(), type = "topup.created", data = new { topupId = Guid.NewGuid() } });
        var receipt = await (await app.CreateClient().SendAsync(app.Webhook(body))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("ignored", receipt.GetProperty("outcome").GetString());

        var user = await app.CreateUserAsync();
        await (await user.Client.PostAsJsonAsync("/api/v1/wallet/topups", new { packageId = "coins_free" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.CreateClient().PostAsync("/api/v1/payments/webhooks/nobody", new StringContent("{}"))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    public static TheoryData<string> MalformedBodies => new()
    {
        """{"id":"evt_dup","id":"evt_other","type":"topup.succeeded","data":{"topupId":"TOPUP","amount":100}}""",
        """{"id":"evt_dup_data","type":"topup.succeeded","data":{"topupId":"TOPUP","amount":100,"amount":900}}""",
        """{"id":"evt_str_amount","type":"topup.succeeded","data":{"topupId":"TOPUP","amount":"100"}}""",
        """{"id":"evt_frac_amount","type":"topup.succeeded","data":{"topupId":"TOPUP","amount":100.5}}""",
        """{"id":42,"type":"topup.succeeded","data":{"topupId":"TOPUP","amount":100}}""",
        """{"id":"evt_num_topup","type":"topup.succeeded","data":{"topupId":7,"amount":100}}""",
        """{"id":"evt_data_array","type":"topup.succeeded","data":["TOPUP",100]}""",
        """{"id":"evt_deep","type":"topup.succeeded","data":""" + new string('[', 200) + new string(']', 200) + "}",
        """[{"id":"evt_array","type":"topup.succeeded"}]""",
        "\"topup.succeeded\"",
        "null",
        """{"id":"evt_truncated","type":""",
        "",
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_signed_but_malformed_body_gets_400_invalid_payload_and_records_and_credits_nothing(string template)
    {
        var (user, topupId) = await PendingTopupAsync();
        var response = await app.CreateClient().SendAsync(app.Webhook(template.Replace("TOPUP", topupId.ToString(), StringComparison.Ordinal)));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_payload");

        Assert.Equal(0, await app.BalanceAsync(user));
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<PaymentEvent>().CountAsync(e => e.TopupId == topupId)));
        // The well-formed event still credits afterwards: nothing was half-recorded.
        var receipt = await (await app.CreateClient().SendAsync(app.Webhook(WalletApp.TopupEvent("evt_" + Guid.NewGuid(), topupId, 100)))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("credited", receipt.GetProperty("outcome").GetString());
    }

    [Fact]
    public void The_signature_is_stripes_scheme_over_t_dot_body()
    {
        // HMAC-SHA256("secret", "1700000000.{}") computed independently (echo -n '1700000000.{}' | openssl dgst -sha256 -hmac secret).
        var header = WebhookSignature.Sign("secret", 1700000000, "{}"u8.ToArray());
        Assert.Equal("t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163", header);
        Assert.Null(WebhookSignature.Check(header, "secret", "{}"u8.ToArray(), DateTimeOffset.FromUnixTimeSeconds(1700000100)));
        Assert.NotNull(WebhookSignature.Check(header, "secret", "{}"u8.ToArray(), DateTimeOffset.FromUnixTimeSeconds(1700000301)));
    }
}
