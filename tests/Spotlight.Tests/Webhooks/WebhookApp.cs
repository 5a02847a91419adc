using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Webhooks;

namespace Spotlight.Tests.Webhooks;

/// <summary>
/// The server with a real webhook receiver on loopback: private networks allowed (only for this fixture), the delivery job
/// every second and a 2-second attempt timeout, so retries and timeouts take seconds.
/// </summary>
public sealed class WebhookApp : SpotlightApp
{
    private readonly WebhookApp? _first;

    public WebhookApp()
    {
    }

    /// <summary>A second node on the first one's database, clock and receiver.</summary>
    internal WebhookApp(WebhookApp first)
        : base(first) => _first = first;

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:DeliveryIntervalSeconds"] = "1",
        ["Webhooks:TimeoutSeconds"] = "2",
        ["Outbox:PollIntervalSeconds"] = "0.1",
    };

    public override async Task InitializeAsync()
    {
        Receiver = _first?.Receiver ?? await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    protected override async Task DisposeFixtureAsync()
    {
        if (_first is null)
        {
            await Receiver.DisposeAsync();
        }
    }
}

/// <summary>Two nodes running the delivery job on one database when the store is PostgreSQL (one node on SQLite, which serves one).</summary>
public sealed class WebhookNodes : IAsyncLifetime
{
    public WebhookApp First { get; } = new();

    public WebhookApp? Second { get; private set; }

    public async Task InitializeAsync()
    {
        await First.InitializeAsync();
        if (TestDatabase.IsPostgres)
        {
            Second = new WebhookApp(First);
            await Second.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Second is not null)
        {
            await Second.DisposeAsync();
        }

        await First.DisposeAsync();
    }
}

/// <summary>Calls of the admin webhooks API and waits on what the delivery job does.</summary>
public static class WebhookCalls
{
    public const string Api = "/api/v1/admin/webhooks";

    public static async Task<(Guid Id, string Secret)> RegisterAsync(TestUser admin, string url, params string[] events)
    {
        var created = await (await admin.Client.PostAsJsonAsync(Api, new { url, events = events.Length == 0 ? ["gift.sent"] : events })).ShouldBeAsync(HttpStatusCode.Created);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("secret").GetString()!);
    }

    public static async Task<Guid> SendTestAsync(TestUser admin, Guid endpoint) =>
        (await (await admin.Client.PostAsync($"{Api}/{endpoint}/test", null)).ShouldBeAsync(HttpStatusCode.Accepted)).GetProperty("id").GetGuid();

    public static async Task<JsonElement> DeliveryAsync(TestUser admin, Guid endpoint, Guid delivery)
    {
        var page = await (await admin.Client.GetAsync($"{Api}/{endpoint}/deliveries")).ShouldBeAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == delivery);
    }

    /// <summary>Waits until the delivery's row matches <paramref name="done"/> (the job runs every second).</summary>
    public static async Task<JsonElement> WaitForDeliveryAsync(TestUser admin, Guid endpoint, Guid delivery, Func<JsonElement, bool> done, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var row = await DeliveryAsync(admin, endpoint, delivery);
            if (done(row))
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The delivery did not get there in {seconds} s: {row}");
            await Task.Delay(200);
        }
    }

    public static bool Attempted(JsonElement row, int attempts) =>
        row.GetProperty("attempts").GetInt32() >= attempts && row.GetProperty("lastAttemptAt").ValueKind != JsonValueKind.Null;

    public static string Status(this JsonElement row) => row.GetProperty("status").GetString()!;

    /// <summary>Makes a pending delivery due now (instead of waiting for its schedule), as if its time had come.</summary>
    public static Task MakeDueAsync(SpotlightApp app, Guid delivery) => app.WithDbAsync(db =>
        db.Set<WebhookDelivery>().Where(d => d.Id == delivery).ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, app.Clock.GetUtcNow().UtcDateTime)));
}
