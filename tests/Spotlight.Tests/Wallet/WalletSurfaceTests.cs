using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet;

namespace Spotlight.Tests.Wallet;

/// <summary>What other modules and operators see of the wallet: events, metrics, the OpenAPI document.</summary>
public sealed class WalletSurfaceTests(WalletSurfaceTests.ListeningApp app) : IClassFixture<WalletSurfaceTests.ListeningApp>
{
    [Fact]
    public async Task A_gift_raises_GiftSent_with_everything_the_realtime_feature_needs()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 100);
        var live = Guid.CreateVersion7();
        var gift = await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "star", quantity = 3, liveSessionId = live }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var transactionId = gift.GetProperty("transactionId").GetGuid();

        var sent = await app.Events.WaitForAsync<GiftSent>(e => e.TransactionId == transactionId);
        Assert.Equal((sender.Id, creator.Id, "star", "Star", 3, 30L, 25L, (Guid?)live), (sent.SenderId, sent.RecipientId, sent.GiftId, sent.GiftName, sent.Quantity, sent.Amount, sent.CreatorAmount, sent.LiveSessionId));
    }

    [Fact]
    public async Task A_transfer_raises_CoinsTransferred_and_moves_the_counters()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        await app.FundAsync(alice.Id, 50);
        var line = await (await alice.Client.PostMoneyAsync("/api/v1/wallet/transfers", new { toUserId = bob.Id, amount = 20, note = "thanks" })).ShouldBeAsync(HttpStatusCode.Created);

        var transferred = await app.Events.WaitForAsync<CoinsTransferred>(e => e.TransactionId == line.GetProperty("id").GetGuid());
        Assert.Equal((alice.Id, bob.Id, 20L, "thanks"), (transferred.FromUserId, transferred.ToUserId, transferred.Amount, transferred.Note));
        var metrics = await (await app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains("spotlight_wallet_coins_transferred_total", metrics, StringComparison.Ordinal);
        Assert.Contains("spotlight_ledger_unbalanced", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_wallet_endpoint()
    {
        var document = JsonDocument.Parse(await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/v1/wallet", "/api/v1/wallet/transactions", "/api/v1/wallet/topup-packages", "/api/v1/wallet/topups", "/api/v1/wallet/transfers",
            "/api/v1/payments/webhooks/{provider}", "/api/v1/gifts/catalog", "/api/v1/gifts", "/api/v1/creator/plans", "/api/v1/creators/{id}/plans",
            "/api/v1/creators/{id}/subscriptions", "/api/v1/subscriptions/{id}", "/api/v1/creator/earnings", "/api/v1/creator/payouts",
            "/api/v1/admin/wallets/{userId}/adjustments", "/api/v1/admin/transactions/{id}/reverse", "/api/v1/admin/ledger/reconciliation",
            "/api/v1/admin/payouts/{id}/approve", "/api/v1/admin/payouts/{id}/reject",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
    }

    public sealed class ListeningApp : WalletApp
    {
        public RecordedEvents Events { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            base.ConfigureTestServices(services);
            services.AddSingleton(Events);
            // Handlers are known by their type's name: two instantiations of one generic class would share "Recorder`1".
            services.AddEventHandler<GiftSent, GiftRecorder>();
            services.AddEventHandler<CoinsTransferred, TransferRecorder>();
        }
    }

    public sealed class RecordedEvents
    {
        private readonly ConcurrentQueue<object> _events = new();

        public void Add(object domainEvent) => _events.Enqueue(domainEvent);

        public async Task<T> WaitForAsync<T>(Func<T, bool> match)
        {
            for (var i = 0; i < 100; i++)
            {
                if (_events.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"No {typeof(T).Name} was delivered within 10 s.");
        }
    }

    public sealed class GiftRecorder(RecordedEvents events) : IDomainEventHandler<GiftSent>
    {
        public Task HandleAsync(GiftSent domainEvent, EventContext context, CancellationToken cancellationToken)
        {
            events.Add(domainEvent);
            return Task.CompletedTask;
        }
    }

    public sealed class TransferRecorder(RecordedEvents events) : IDomainEventHandler<CoinsTransferred>
    {
        public Task HandleAsync(CoinsTransferred domainEvent, EventContext context, CancellationToken cancellationToken)
        {
            events.Add(domainEvent);
            return Task.CompletedTask;
        }
    }
}
