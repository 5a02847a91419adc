using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Spotlight.Admin.Settings;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Topups;

namespace Spotlight.Tests.Admin;

/// <summary>
/// A node whose sandbox webhook secret comes from configuration, with a fake Stripe API on a loopback port, re-reading
/// the settings every 0.3 s. <see cref="SecondRotationNode"/> is another node on its database and clock.
/// </summary>
public class RotationApp : SpotlightApp
{
    public const string ConfiguredSecret = "whsec_configured_0123456789";

    public RotationApp()
    {
    }

    protected RotationApp(RotationApp primary)
        : base(primary)
    {
        Stripe = primary.Stripe;
    }

    public FakeStripe Stripe { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Payments:Sandbox:WebhookSecret"] = ConfiguredSecret,
        ["Payments:Stripe:ApiBase"] = Stripe.BaseAddress,
        ["Admin:SettingsRefreshSeconds"] = "0.3",
    };

    public override async Task InitializeAsync()
    {
        Stripe ??= await FakeStripe.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeFixtureAsync()
    {
        if (GetType() == typeof(RotationApp))
        {
            await Stripe.DisposeAsync();
        }
    }

    public async Task<Guid> PendingTopupAsync(TestUser user, string provider)
    {
        var topup = new Topup
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, PackageId = "coins_100", Coins = 100, Price = 99, Currency = "usd",
            Provider = provider, Status = TopupStatus.Pending, CreatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        await WithDbAsync(async db =>
        {
            db.Add(topup);
            await db.SaveChangesAsync();
        });
        return topup.Id;
    }

    public HttpRequestMessage SandboxWebhook(Guid topupId, string secret)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { id = "evt_" + Guid.NewGuid().ToString("N"), type = "topup.succeeded", data = new { topupId, amount = 100 } });
        return Signed("/api/v1/payments/webhooks/sandbox", "Spotlight-Signature", body, secret);
    }

    public HttpRequestMessage StripeWebhook(Guid topupId, string secret)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = "evt_" + Guid.NewGuid().ToString("N"),
            type = "checkout.session.completed",
            data = new { @object = new { client_reference_id = topupId.ToString(), payment_status = "paid", amount_total = 99, currency = "usd" } },
        });
        return Signed("/api/v1/payments/webhooks/stripe", "Stripe-Signature", body, secret);
    }

    private HttpRequestMessage Signed(string path, string header, byte[] body, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(header, WebhookSignature.Sign(secret, Clock.GetUtcNow().ToUnixTimeSeconds(), body));
        return request;
    }
}

public sealed class SecondRotationNode(RotationApp primary) : RotationApp(primary);

/// <summary>Stripe's Checkout Session endpoint on a loopback port: records the key each call was made with.</summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeStripe(WebApplication app) => _app = app;

    public string BaseAddress => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";

    public List<string> Authorizations { get; } = [];

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.MapPost("/v1/checkout/sessions", (HttpRequest request) =>
        {
            lock (fake.Authorizations)
            {
                fake.Authorizations.Add(request.Headers.Authorization.ToString());
            }

            return Results.Json(new { id = "cs_test_1", url = "https://checkout.stripe.test/c/pay/cs_test_1" });
        });
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// Hardening finding 1: every secret the console can set is the one the server uses, on every node, within the
/// settings refresh, configuration being the fallback only; a replaced webhook secret is accepted during the overlap
/// (<c>Admin:SecretRotationOverlapHours</c>, 24 h) and refused after it.
/// </summary>
public sealed class SecretRotationTests(RotationApp app) : IClassFixture<RotationApp>
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_sandbox_webhook_secret_rotated_in_the_console_is_used_on_both_nodes_and_the_old_one_is_refused_after_the_overlap()
    {
        await using var otherNode = new SecondRotationNode(app);
        await otherNode.InitializeAsync();
        var admin = await app.CreateAdminAsync();
        var fan = await app.CreateUserAsync();
        var rotated = "whsec_rotated_" + Guid.NewGuid().ToString("N");

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { sandboxWebhookSecret = rotated })).ShouldBeAsync(HttpStatusCode.OK);

        // The new secret credits through the other node once it has re-read the settings.
        var first = await app.PendingTopupAsync(fan, "sandbox");
        await EventuallyAsync(async () => (await otherNode.CreateClient().SendAsync(otherNode.SandboxWebhook(first, rotated))).StatusCode == HttpStatusCode.OK);
        // During the overlap the old one still works, on both nodes.
        foreach (var node in new RotationApp[] { app, otherNode })
        {
            var topup = await app.PendingTopupAsync(fan, "sandbox");
            var receipt = await (await node.CreateClient().SendAsync(node.SandboxWebhook(topup, RotationApp.ConfiguredSecret))).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("credited", receipt.GetProperty("outcome").GetString());
        }

        var late = await app.PendingTopupAsync(fan, "sandbox");
        var lateToo = await app.PendingTopupAsync(fan, "sandbox");
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        foreach (var node in new RotationApp[] { app, otherNode })
        {
            await (await node.CreateClient().SendAsync(node.SandboxWebhook(late, RotationApp.ConfiguredSecret))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        }

        var credited = await (await otherNode.CreateClient().SendAsync(otherNode.SandboxWebhook(late, rotated))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("credited", credited.GetProperty("outcome").GetString());
        await (await app.CreateClient().SendAsync(app.SandboxWebhook(lateToo, rotated))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(500, await app.WithDbAsync(db => db.Set<Topup>().Where(t => t.UserId == fan.Id && t.Status == TopupStatus.Succeeded).SumAsync(t => t.Coins)));

        // Back to the configured secret for the other tests of this class (a day later: a new admin token).
        admin = await app.CreateAdminAsync();
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { sandboxWebhookSecret = (string?)null })).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_second_rotation_ends_the_first_secrets_overlap_at_once()
    {
        var admin = await app.CreateAdminAsync();
        var fan = await app.CreateUserAsync();
        var second = "whsec_second_" + Guid.NewGuid().ToString("N");
        var third = "whsec_third_" + Guid.NewGuid().ToString("N");
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { sandboxWebhookSecret = second })).ShouldBeAsync(HttpStatusCode.OK);
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { sandboxWebhookSecret = third })).ShouldBeAsync(HttpStatusCode.OK);

        // Only the secret just replaced overlaps: the one before it is no longer accepted.
        var topup = await app.PendingTopupAsync(fan, "sandbox");
        await (await app.CreateClient().SendAsync(app.SandboxWebhook(topup, RotationApp.ConfiguredSecret))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_signature");
        await (await app.CreateClient().SendAsync(app.SandboxWebhook(topup, second))).ShouldBeAsync(HttpStatusCode.OK);
        var another = await app.PendingTopupAsync(fan, "sandbox");
        await (await app.CreateClient().SendAsync(app.SandboxWebhook(another, third))).ShouldBeAsync(HttpStatusCode.OK);

        // Restore the configured secret for the other tests of this class (it becomes "previous" for a day: harmless).
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { sandboxWebhookSecret = (string?)null })).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Stripe_keys_saved_in_the_console_are_the_ones_checkouts_and_webhooks_use_on_the_other_node()
    {
        await using var otherNode = new SecondRotationNode(app);
        await otherNode.InitializeAsync();
        var admin = await app.CreateAdminAsync();
        var fan = await app.CreateUserAsync();
        var pending = await app.PendingTopupAsync(fan, "stripe");
        var webhookSecret = "whsec_console_" + Guid.NewGuid().ToString("N");
        var secretKey = "sk_test_console_" + Guid.NewGuid().ToString("N");

        // Nothing configured yet: Stripe's webhooks are refused, never accepted with an empty secret.
        await (await otherNode.CreateClient().SendAsync(otherNode.StripeWebhook(pending, ""))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "provider_not_configured");

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { stripeSecretKey = secretKey, stripeWebhookSecret = webhookSecret }))
            .ShouldBeAsync(HttpStatusCode.OK);
        await EventuallyAsync(async () => (await otherNode.CreateClient().SendAsync(otherNode.StripeWebhook(pending, webhookSecret))).StatusCode == HttpStatusCode.OK);
        Assert.Equal(TopupStatus.Succeeded, await app.WithDbAsync(db => db.Set<Topup>().Where(t => t.Id == pending).Select(t => t.Status).SingleAsync()));

        // A checkout opened through the other node calls Stripe with the key saved in the console.
        var provider = otherNode.Services.GetServices<IPaymentProvider>().Single(p => p.Name == "stripe");
        Assert.True(provider.IsAvailable);
        var url = await provider.CreateCheckoutAsync(new Topup
        {
            Id = Guid.CreateVersion7(), UserId = fan.Id, PackageId = "coins_100", Coins = 100, Price = 99, Currency = "usd", Provider = "stripe",
            Status = TopupStatus.Pending, CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        Assert.StartsWith("https://checkout.stripe.test/", url, StringComparison.Ordinal);
        lock (app.Stripe.Authorizations)
        {
            Assert.Equal("Bearer " + secretKey, app.Stripe.Authorizations[^1]);
        }
    }

    [Fact]
    public async Task Every_setting_saved_in_the_console_is_what_the_other_nodes_configuration_reads_within_the_refresh()
    {
        await using var otherNode = new SecondRotationNode(app);
        await otherNode.InitializeAsync();
        var admin = await app.CreateAdminAsync();
        var configuration = otherNode.Services.GetRequiredService<IConfiguration>();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in IntegrationCatalog.Sections.Where(s => s.Name is not (IntegrationCatalog.Cors or IntegrationCatalog.Payments)))
        {
            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var field in section.Fields.Where(f => f.ConfigurationKey is not null))
            {
                var value = ValidValue(section, field);
                values[field.Name] = field.IsNumber ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;
                expected[field.ConfigurationKey!] = value;
            }

            await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/settings/integrations/{section.Name}", values)).ShouldBeAsync(HttpStatusCode.OK);
        }

        await EventuallyAsync(() => Task.FromResult(expected.All(pair => configuration[pair.Key] == pair.Value)));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, configuration[key]);
        }
    }

    /// <summary>A value each field's validation accepts, different from any default (revenue splits: a valid 60/30/10).</summary>
    private static string ValidValue(IntegrationSection section, IntegrationField field)
    {
        if (section.Name == IntegrationCatalog.RevenueSplits)
        {
            return field.Name.EndsWith("Creator", StringComparison.Ordinal) ? "60" : field.Name.EndsWith("Platform", StringComparison.Ordinal) ? "30" : "10";
        }

        var unique = Guid.NewGuid().ToString("N");
        string[] candidates = field.Kind switch
        {
            FieldKind.Url => ["https://" + unique[..8] + ".example.com"],
            FieldKind.Host => ["smtp-" + unique[..8] + ".example.com"],
            FieldKind.Email => ["mail-" + unique[..8] + "@example.com"],
            FieldKind.WholeNumber => [Math.Min(field.Max, Math.Max(field.Min, 999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            FieldKind.JsonSecret => ["{\"type\":\"service_account\",\"private_key_id\":\"" + unique + "\"}"],
            _ => ["AC" + unique, unique[..12] + "-bucket", "value-" + unique, "s3"], // "s3": the storage backend, local or s3
        };
        return candidates.First(c => IntegrationCatalog.Validate(field, c) is null);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Refresh;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The change did not apply within the refresh.");
            await Task.Delay(200);
        }
    }
}
