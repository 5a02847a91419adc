using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Spotlight.Platform.Configuration;

namespace Spotlight.Wallet.Topups;

/// <summary>
/// <c>Payments:Stripe</c>, read live (<c>IOptionsMonitor</c>): keys saved in the admin console win over configuration and
/// apply on every node within the settings refresh. Until both keys are set, Stripe top-ups and webhooks are refused.
/// </summary>
internal sealed class StripeOptions
{
    public const string Section = "Payments:Stripe";

    public string? SecretKey { get; set; }

    public string? WebhookSecret { get; set; }

    public string SuccessUrl { get; set; } = "https://example.invalid/wallet?topup=success";

    public string CancelUrl { get; set; } = "https://example.invalid/wallet?topup=canceled";

    public Uri ApiBase { get; set; } = new("https://api.stripe.com/");

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SecretKey) && !string.IsNullOrWhiteSpace(WebhookSecret);
}

/// <summary>
/// Stripe Checkout: a top-up opens a Checkout Session (its url is the top-up's <c>checkoutUrl</c>); Stripe's
/// <c>checkout.session.completed</c> webhook (signed in <c>Stripe-Signature</c>, the same t/v1 scheme as the sandbox)
/// credits it. The session carries the top-up id in <c>client_reference_id</c> and <c>metadata.topupId</c>, and the
/// amount paid is checked against the package's price.
/// </summary>
internal sealed class StripePaymentProvider(IOptionsMonitor<StripeOptions> monitor, IConfiguration configuration, IHttpClientFactory clients) : IPaymentProvider
{
    public const string ProviderName = "stripe";
    public const string SignatureHeader = "Stripe-Signature";
    private const string WebhookSecretSetting = StripeOptions.Section + ":" + nameof(StripeOptions.WebhookSecret);

    public string Name => ProviderName;

    public bool IsAvailable => monitor.CurrentValue.IsConfigured;

    public async Task<string?> CreateCheckoutAsync(Topup topup, CancellationToken cancellationToken)
    {
        var options = monitor.CurrentValue;
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("Stripe is not configured: set its secret key and webhook secret in the admin console or Payments:Stripe.");
        }

        var client = clients.CreateClient(ProviderName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBase, "v1/checkout/sessions"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["mode"] = "payment",
                ["success_url"] = options.SuccessUrl,
                ["cancel_url"] = options.CancelUrl,
                ["client_reference_id"] = topup.Id.ToString(),
                ["metadata[topupId]"] = topup.Id.ToString(),
                ["line_items[0][quantity]"] = "1",
                ["line_items[0][price_data][currency]"] = topup.Currency,
                ["line_items[0][price_data][unit_amount]"] = topup.Price.ToString(CultureInfo.InvariantCulture),
                ["line_items[0][price_data][product_data][name]"] = $"{topup.Coins} coins",
            }),
        };
        request.Headers.Authorization = new("Bearer", options.SecretKey);
        request.Headers.Add("Idempotency-Key", "topup-" + topup.Id.ToString("N"));
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var session = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return session?["url"]?.GetValue<string>();
    }

    public WebhookVerification Verify(IHeaderDictionary headers, byte[] body, DateTimeOffset now)
    {
        var secrets = RotatingSecret.Accepted(configuration, WebhookSecretSetting, now);
        if (secrets.Count == 0)
        {
            return new WebhookVerification.NotConfigured($"Stripe webhooks are refused: set {WebhookSecretSetting} or the Stripe webhook signing secret in the admin console.");
        }

        if (WebhookSignature.Check(headers[SignatureHeader].ToString(), secrets, body, now) is { } problem)
        {
            return new WebhookVerification.InvalidSignature(problem);
        }

        return WebhookEventBody.Read(body, "a Stripe event", (json, id, type) =>
        {
            var session = WebhookEventBody.Object(WebhookEventBody.Object(json["data"])?["object"]);
            var paid = type is "checkout.session.completed" or "checkout.session.async_payment_succeeded"
                && WebhookEventBody.Text(session?["payment_status"]) == "paid";
            if (!paid)
            {
                // Recorded and acknowledged, nothing credited (an unpaid session, another event type).
                return new WebhookVerification.Valid(new PaymentWebhookEvent(id, type, null, null));
            }

            var reference = WebhookEventBody.Text(session!["client_reference_id"]) ?? WebhookEventBody.Text(WebhookEventBody.Object(session["metadata"])?["topupId"]);
            Guid? topupId = Guid.TryParse(reference, out var parsed) ? parsed : null;
            return new WebhookVerification.Valid(new PaymentWebhookEvent(id, PaymentWebhookEvent.TopupSucceeded, topupId, null)
            {
                Price = WebhookEventBody.Integer(session["amount_total"]),
                Currency = WebhookEventBody.Text(session["currency"]),
            });
        });
    }
}
