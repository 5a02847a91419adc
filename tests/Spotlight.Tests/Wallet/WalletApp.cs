using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet.Reconciliation;
using Spotlight.Wallet.Topups;

namespace Spotlight.Tests.Wallet;

/// <summary>The real server with a known sandbox webhook secret and a fault injector a test can arm.</summary>
public class WalletApp : SpotlightApp
{
    public const string WebhookSecret = "whsec_test_0123456789abcdef";
    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private TestUser? _admin;
    private DateTimeOffset _adminSignedInAt;

    public ArmableFaults Faults { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Payments:Sandbox:WebhookSecret"] = WebhookSecret,
        ["Wallet:MinimumPayout"] = "100",
        ["Wallet:SubscriptionGraceDays"] = "3",
        // Tests drive renewals and reconciliation themselves; the schedule only has to exist.
        ["Wallet:RenewalIntervalSeconds"] = "3600",
    };

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton<IFaultInjector>(Faults);
    }

    public async Task<TestUser> AdminAsync()
    {
        await _adminLock.WaitAsync();
        try
        {
            if (_admin is null)
            {
                _admin = await CreateAdminAsync();
            }
            else if (Clock.GetUtcNow() - _adminSignedInAt > TimeSpan.FromMinutes(10))
            {
                _admin = await SignInAsync(_admin);
            }
            else
            {
                return _admin;
            }

            _adminSignedInAt = Clock.GetUtcNow();
            return _admin;
        }
        finally
        {
            _adminLock.Release();
        }
    }

    /// <summary>Signs in again: after the clock moves forward, access tokens have expired like they would in real life.</summary>
    public async Task<TestUser> SignInAsync(TestUser user)
    {
        var response = await CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var tokens = (await response.Content.ReadFromJsonAsync<TokenPair>(Json))!;
        return user with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken, Client = Authorized(tokens.AccessToken) };
    }

    public Task<TestUser> CreatorAsync() => CreateUserAsync(roles: "creator", tier: "creator");

    /// <summary>Puts coins in a user's wallet the way support would: an admin adjustment (a real, audited ledger transaction).</summary>
    public async Task FundAsync(Guid userId, long amount)
    {
        var admin = await AdminAsync();
        var response = await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{userId}/adjustments", new { amount, reason = "test funding" });
        await response.ShouldBeAsync(HttpStatusCode.Created);
    }

#pragma warning disable CA1822 // read as the app's vocabulary: app.BalanceAsync(user)
    public async Task<long> BalanceAsync(TestUser user)
    {
        var json = await (await user.Client.GetAsync("/api/v1/wallet")).ShouldBeAsync(HttpStatusCode.OK);
        return json.GetProperty("balance").GetInt64();
    }

    public async Task<long> EarningsAsync(TestUser creator)
    {
        var json = await (await creator.Client.GetAsync("/api/v1/creator/earnings")).ShouldBeAsync(HttpStatusCode.OK);
        return json.GetProperty("balance").GetInt64();
    }
#pragma warning restore CA1822

    public async Task<JsonElement> ReconcileAsync()
    {
        var admin = await AdminAsync();
        return await (await admin.Client.GetAsync("/api/v1/admin/ledger/reconciliation")).ShouldBeAsync(HttpStatusCode.OK);
    }

    public async Task AssertBalancedAsync()
    {
        var report = await ReconcileAsync();
        Assert.True(report.GetProperty("balanced").GetBoolean(), "Reconciliation: " + report);
        Assert.Equal(report.GetProperty("totalDebits").GetInt64(), report.GetProperty("totalCredits").GetInt64());
    }

    public async Task<ReconciliationReport> ReconcileDirectAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var reconciler = scope.ServiceProvider.GetRequiredService<LedgerReconciler>();
        return await reconciler.RunAsync(scope.ServiceProvider.GetRequiredService<Spotlight.Data.SpotlightDb>(), CancellationToken.None);
    }

    /// <summary>Sum of a platform account's entries (platform accounts keep no stored balance).</summary>
    public Task<long> PlatformBalanceAsync(Spotlight.Wallet.Ledger.LedgerAccountRef account) =>
        WithDbAsync(db => db.Set<Spotlight.Wallet.Ledger.LedgerEntry>().Where(e => e.AccountId == account.Id).SumAsync(e => (long?)e.Amount))
            .ContinueWith(t => t.Result ?? 0, TaskScheduler.Default);

    /// <summary>A signed sandbox webhook, as the provider would send it.</summary>
    public HttpRequestMessage Webhook(string body, string? secret = WebhookSecret, DateTimeOffset? at = null, bool sign = true)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhooks/sandbox") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        if (sign)
        {
            request.Headers.Add("Spotlight-Signature", WebhookSignature.Sign(secret!, (at ?? Clock.GetUtcNow()).ToUnixTimeSeconds(), bytes));
        }

        return request;
    }

    public static string TopupEvent(string eventId, Guid topupId, long amount) =>
        JsonSerializer.Serialize(new { id = eventId, type = "topup.succeeded", data = new { topupId, amount } });

    /// <summary>Buys a package through the real flow: a pending top-up, then the provider's signed webhook.</summary>
    public async Task<Guid> TopUpAsync(TestUser user, string packageId = "coins_100")
    {
        var created = await (await user.Client.PostAsJsonAsync("/api/v1/wallet/topups", new { packageId })).ShouldBeAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        var amount = created.GetProperty("amount").GetInt64();
        var response = await CreateClient().SendAsync(Webhook(TopupEvent("evt_" + Guid.NewGuid().ToString("N"), id, amount)));
        var receipt = await response.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("credited", receipt.GetProperty("outcome").GetString());
        return id;
    }
}

/// <summary>Fails at one named point while armed (see <see cref="IFaultInjector"/>).</summary>
public sealed class ArmableFaults : IFaultInjector
{
    private volatile string? _point;

    public void Arm(string point) => _point = point;

    public void Disarm() => _point = null;

    public void At(string point)
    {
        if (_point == point)
        {
            throw new InvalidOperationException($"Injected fault at {point}.");
        }
    }
}

public static class MoneyRequests
{
    /// <summary>POSTs JSON with a fresh Idempotency-Key unless one is given.</summary>
    public static Task<HttpResponseMessage> PostMoneyAsync(this HttpClient client, string path, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return client.SendAsync(request);
    }
}
