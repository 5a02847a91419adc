using System.Net;
using System.Text;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Topups;

namespace Spotlight.Tests.Wallet;

/// <summary>
/// The Stripe provider's webhook side, against a recorded <c>checkout.session.completed</c> event (the shape of Stripe's
/// API version 2023-10-16). Creating a Checkout Session calls Stripe over the network, which these tests cannot reach:
/// pending Stripe top-ups are made directly.
/// </summary>
public sealed class StripeWebhookTests(StripeWebhookTests.StripeApp app) : IClassFixture<StripeWebhookTests.StripeApp>
{
    private const string Secret = "whsec_stripe_test_secret";

    private const string RecordedEvent = """
        {
          "id": "evt_1PqR8sLkdIwHu7ixZ3yXcA9f",
          "object": "event",
          "api_version": "2023-10-16",
          "created": 1724000000,
          "data": {
            "object": {
              "id": "cs_test_a1Bc2De3Fg4Hi5Jk6Lm7No8Pq9Rs0Tu1Vw2Xy3Za4Bc5De6Fg7Hi8",
              "object": "checkout.session",
              "amount_subtotal": 99,
              "amount_total": 99,
              "client_reference_id": "TOPUP_ID",
              "currency": "usd",
              "customer_details": { "email": "fan@example.com", "name": "A Fan" },
              "livemode": false,
              "metadata": { "topupId": "TOPUP_ID" },
              "mode": "payment",
              "payment_intent": "pi_3PqR8rLkdIwHu7ix0bGqS1yT",
              "payment_status": "paid",
              "status": "complete"
            }
          },
          "livemode": false,
          "pending_webhooks": 1,
          "request": { "id": null, "idempotency_key": null },
          "type": "checkout.session.completed"
        }
        """;

    private async Task<(TestUser User, Guid TopupId)> PendingStripeTopupAsync()
    {
        var user = await app.CreateUserAsync();
        var topup = new Topup
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, PackageId = "coins_100", Coins = 100, Price = 99, Currency = "usd",
            Provider = "stripe", Status = TopupStatus.Pending, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
        };
        await app.WithDbAsync(async db =>
        {
            db.Add(topup);
            await db.SaveChangesAsync();
        });
        return (user, topup.Id);
    }

    private HttpRequestMessage Signed(string body, string secret = Secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhooks/stripe") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Stripe-Signature", WebhookSignature.Sign(secret, app.Clock.GetUtcNow().ToUnixTimeSeconds(), bytes));
        return request;
    }

    [Fact]
    public async Task A_completed_checkout_session_credits_its_topup_once()
    {
        var (user, topupId) = await PendingStripeTopupAsync();
        var body = RecordedEvent.Replace("TOPUP_ID", topupId.ToString(), StringComparison.Ordinal).Replace("evt_1PqR8sLkdIwHu7ixZ3yXcA9f", "evt_" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);

        var first = await (await app.CreateClient().SendAsync(Signed(body))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("credited", first.GetProperty("outcome").GetString());
        var again = await (await app.CreateClient().SendAsync(Signed(body))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("duplicate_event", again.GetProperty("outcome").GetString());
        Assert.Equal(100, await app.BalanceAsync(user));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_session_paid_for_another_amount_or_not_paid_credits_nothing_and_a_bad_signature_is_refused()
    {
        var (user, topupId) = await PendingStripeTopupAsync();
        var body = RecordedEvent.Replace("TOPUP_ID", topupId.ToString(), StringComparison.Ordinal);

        await (await app.CreateClient().SendAsync(Signed(body, "whsec_wrong"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        var unpaid = body.Replace("\"payment_status\": \"paid\"", "\"payment_status\": \"unpaid\"", StringComparison.Ordinal).Replace("evt_1PqR8sLkdIwHu7ixZ3yXcA9f", "evt_unpaid_" + topupId, StringComparison.Ordinal);
        Assert.Equal("ignored", (await (await app.CreateClient().SendAsync(Signed(unpaid))).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        var cheap = body.Replace("\"amount_total\": 99", "\"amount_total\": 1", StringComparison.Ordinal).Replace("evt_1PqR8sLkdIwHu7ixZ3yXcA9f", "evt_cheap_" + topupId, StringComparison.Ordinal);
        Assert.Equal("amount_mismatch", (await (await app.CreateClient().SendAsync(Signed(cheap))).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());
        Assert.Equal(0, await app.BalanceAsync(user));
    }

    [Theory]
    [InlineData("\"amount_total\": 99,", "\"amount_total\": 99, \"amount_total\": 1,")]
    [InlineData("\"amount_total\": 99,", "\"amount_total\": \"99\",")]
    [InlineData("\"currency\": \"usd\",", "\"currency\": 840,")]
    [InlineData("\"type\": \"checkout.session.completed\"", "\"type\": \"checkout.session.completed\", \"type\": \"charge.refunded\"")]
    public async Task A_signed_stripe_event_with_repeated_or_mistyped_fields_gets_400_invalid_payload(string original, string malformed)
    {
        var (user, topupId) = await PendingStripeTopupAsync();
        var body = RecordedEvent.Replace(original, malformed, StringComparison.Ordinal).Replace("TOPUP_ID", topupId.ToString(), StringComparison.Ordinal)
            .Replace("evt_1PqR8sLkdIwHu7ixZ3yXcA9f", "evt_" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        Assert.Contains(malformed.Replace("TOPUP_ID", topupId.ToString(), StringComparison.Ordinal), body, StringComparison.Ordinal);

        await (await app.CreateClient().SendAsync(Signed(body))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_payload");
        Assert.Equal(0, await app.BalanceAsync(user));
    }

    public sealed class StripeApp : WalletApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Payments:Stripe:SecretKey"] = "sk_test_never_called_in_tests",
            ["Payments:Stripe:WebhookSecret"] = Secret,
        };
    }
}
