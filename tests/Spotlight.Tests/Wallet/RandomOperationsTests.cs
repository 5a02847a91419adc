using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;
using Xunit.Abstractions;

namespace Spotlight.Tests.Wallet;

/// <summary>
/// Thousands of random money operations from many users through the real API, against a model of what every balance
/// must be. After every step: each answer is the one the model predicts, every user's wallet and earnings equal the
/// model, and the reconciliation is balanced. The seed is printed on failure; set SPOTLIGHT_WALLET_SEED to replay one,
/// SPOTLIGHT_WALLET_STEPS to run longer.
/// </summary>
public sealed class RandomOperationsTests(WalletApp app, ITestOutputHelper output) : IClassFixture<WalletApp>
{
    private const int DefaultSteps = 1500;
    private static readonly string[] Gifts = ["rose", "heart", "star", "rocket"];
    private static readonly Dictionary<string, long> GiftPrices = new() { ["rose"] = 1, ["heart"] = 5, ["star"] = 10, ["rocket"] = 100 };

    [Fact]
    public async Task Random_money_operations_keep_every_balance_and_the_books_right_after_every_step()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SPOTLIGHT_WALLET_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261123;
        var steps = int.TryParse(Environment.GetEnvironmentVariable("SPOTLIGHT_WALLET_STEPS"), CultureInfo.InvariantCulture, out var n) ? n : DefaultSteps;
        output.WriteLine($"seed {seed}, {steps} steps");
        var world = await World.CreateAsync(app, new Random(seed));
        var step = 0;
        try
        {
            for (step = 1; step <= steps; step++)
            {
                await world.StepAsync();
                await world.CheckInvariantsAsync();
            }
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"Failed at step {step} of seed {seed} (replay with SPOTLIGHT_WALLET_SEED={seed}) after: {world.LastOperation}", exception);
        }

        output.WriteLine(world.Summary());
        Assert.True(world.Successes > steps / 4, "most operations should do something: " + world.Summary());
    }

    private sealed class World
    {
        private readonly WalletApp _app;
        private readonly Random _random;
        private readonly List<TestUser> _users = [];
        private readonly List<TestUser> _creators = [];
        private readonly Dictionary<Guid, Guid> _plans = [];
        private readonly Dictionary<Guid, long> _planPrices = [];
        private readonly Dictionary<Guid, long> _wallet = [];
        private readonly Dictionary<Guid, long> _earnings = [];
        private readonly Dictionary<Guid, List<(Guid User, bool Earnings, long Delta)>> _effects = [];
        private readonly HashSet<Guid> _reversed = [];
        private readonly HashSet<(Guid, Guid)> _subscriptions = [];
        private readonly Dictionary<Guid, (Guid Subscription, Guid Creator)> _subscriptionIds = [];
        private readonly List<(Guid Id, Guid Creator, long Amount)> _pendingPayouts = [];
        private readonly List<(TestUser User, string Path, string Body, string Key, HttpStatusCode Status, string Response)> _replayable = [];
        private readonly Dictionary<string, int> _counts = [];
        private readonly SplitsOptions _splits = new();
        private TestUser _admin = null!;

        private World(WalletApp app, Random random)
        {
            _app = app;
            _random = random;
        }

        public string LastOperation { get; private set; } = "";

        public int Successes { get; private set; }

        public static async Task<World> CreateAsync(WalletApp app, Random random)
        {
            var world = new World(app, random) { _admin = await app.AdminAsync() };
            for (var i = 0; i < 12; i++)
            {
                var creator = i < 4;
                var user = creator ? await app.CreatorAsync() : await app.CreateUserAsync();
                world._users.Add(user);
                world._wallet[user.Id] = 0;
                world._earnings[user.Id] = 0;
                if (creator)
                {
                    world._creators.Add(user);
                    var price = random.Next(20, 200);
                    var plan = await (await user.Client.PostAsJsonAsync("/api/v1/creator/plans", new { name = "Plan", price })).ShouldBeAsync(HttpStatusCode.Created);
                    world._plans[user.Id] = plan.GetProperty("id").GetGuid();
                    world._planPrices[user.Id] = price;
                }
            }

            return world;
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

        public async Task StepAsync()
        {
            var roll = _random.Next(100);
            var operation = roll switch
            {
                < 10 => TopupAsync(),
                < 35 => GiftAsync(),
                < 55 => TransferAsync(),
                < 62 => SubscribeAsync(),
                < 65 => CancelAsync(),
                < 73 => PayoutAsync(),
                < 80 => DecidePayoutAsync(),
                < 85 => ReverseAsync(),
                < 92 => AdjustAsync(),
                _ => ReplayAsync(),
            };
            await operation;
        }

        private void Count(string what, bool succeeded, string? detail = null)
        {
            LastOperation = detail is null ? what : $"{what} {detail}";
            _counts[what] = _counts.GetValueOrDefault(what) + 1;
            if (succeeded)
            {
                Successes++;
            }
        }

        private void Apply(Guid transactionId, params (Guid User, bool Earnings, long Delta)[] effects)
        {
            foreach (var (user, earnings, delta) in effects)
            {
                var book = earnings ? _earnings : _wallet;
                if (book.ContainsKey(user))
                {
                    book[user] += delta;
                }
            }

            _effects[transactionId] = [.. effects];
        }

        private async Task<(HttpResponseMessage Response, string Body)> MoneyAsync(TestUser user, string path, object body)
        {
            var json = JsonSerializer.Serialize(body, SpotlightApp.Json);
            var key = Guid.NewGuid().ToString("N");
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            var response = await user.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                _replayable.Add((user, path, json, key, response.StatusCode, text));
            }

            return (response, text);
        }

        private static void Expect(HttpResponseMessage response, string body, HttpStatusCode expected, string? code = null)
        {
            Assert.True(response.StatusCode == expected, $"expected {(int)expected} {code}, got {(int)response.StatusCode}: {body}");
            if (code is not null)
            {
                Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
            }
        }

        private async Task TopupAsync()
        {
            var user = Pick(_users);
            var topupId = await _app.TopUpAsync(user, Pick(["coins_100", "coins_550"]));
            var line = (await (await user.Client.GetAsync("/api/v1/wallet/transactions?limit=1")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items")[0];
            Apply(line.GetProperty("id").GetGuid(), (user.Id, false, line.GetProperty("amount").GetInt64()));
            Count("topup", true, topupId.ToString());
        }

        private async Task GiftAsync()
        {
            var sender = Pick(_users);
            var recipient = Pick(_creators);
            if (recipient.Id == sender.Id)
            {
                return;
            }

            var gift = Pick(Gifts);
            var quantity = _random.Next(1, 6);
            var amount = GiftPrices[gift] * quantity;
            var (response, body) = await MoneyAsync(sender, "/api/v1/gifts", new { recipientId = recipient.Id, giftId = gift, quantity });
            if (_wallet[sender.Id] < amount)
            {
                Expect(response, body, HttpStatusCode.PaymentRequired, "insufficient_funds");
                Count("gift refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            var split = RevenueSplit.Compute(amount, _splits.Gift);
            Apply(JsonDocument.Parse(body).RootElement.GetProperty("transactionId").GetGuid(), (sender.Id, false, -amount), (recipient.Id, true, split.Creator));
            Count("gift", true);
        }

        private async Task TransferAsync()
        {
            var from = Pick(_users);
            var to = Pick(_users);
            if (from.Id == to.Id)
            {
                return;
            }

            var amount = _random.Next(1, 150);
            var (response, body) = await MoneyAsync(from, "/api/v1/wallet/transfers", new { toUserId = to.Id, amount });
            if (_wallet[from.Id] < amount)
            {
                Expect(response, body, HttpStatusCode.PaymentRequired, "insufficient_funds");
                Count("transfer refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            Apply(JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid(), (from.Id, false, -amount), (to.Id, false, amount));
            Count("transfer", true);
        }

        private async Task SubscribeAsync()
        {
            var subscriber = Pick(_users);
            var creator = Pick(_creators);
            if (subscriber.Id == creator.Id)
            {
                return;
            }

            var price = _planPrices[creator.Id];
            var (response, body) = await MoneyAsync(subscriber, $"/api/v1/creators/{creator.Id}/subscriptions", new { planId = _plans[creator.Id] });
            if (_subscriptions.Contains((subscriber.Id, creator.Id)))
            {
                Expect(response, body, HttpStatusCode.Conflict, "already_subscribed");
                Count("subscribe again", false);
                return;
            }

            if (_wallet[subscriber.Id] < price)
            {
                Expect(response, body, HttpStatusCode.PaymentRequired, "insufficient_funds");
                Count("subscribe refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            var json = JsonDocument.Parse(body).RootElement;
            var split = RevenueSplit.Compute(price, _splits.Subscription);
            Apply(json.GetProperty("transactionId").GetGuid(), (subscriber.Id, false, -price), (creator.Id, true, split.Creator));
            _subscriptions.Add((subscriber.Id, creator.Id));
            _subscriptionIds[json.GetProperty("id").GetGuid()] = (subscriber.Id, creator.Id);
            Count("subscribe", true);
        }

        private async Task CancelAsync()
        {
            if (_subscriptionIds.Count == 0)
            {
                return;
            }

            var (id, (subscriberId, _)) = Pick(_subscriptionIds.ToList());
            var subscriber = _users.Single(u => u.Id == subscriberId);
            var canceled = await (await subscriber.Client.DeleteAsync($"/api/v1/subscriptions/{id}")).ShouldBeAsync(HttpStatusCode.OK);
            Assert.Equal("canceled", canceled.GetProperty("status").GetString()); // access is kept to the period end: the pair stays subscribed
            Count("cancel", true);
        }

        private async Task PayoutAsync()
        {
            var creator = Pick(_creators);
            var amount = _random.Next(100, 300);
            var (response, body) = await MoneyAsync(creator, "/api/v1/creator/payouts", new { amount });
            if (_earnings[creator.Id] < amount)
            {
                Expect(response, body, HttpStatusCode.PaymentRequired, "insufficient_funds");
                Count("payout refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            _earnings[creator.Id] -= amount;
            _pendingPayouts.Add((JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid(), creator.Id, amount));
            Count("payout", true);
        }

        private async Task DecidePayoutAsync()
        {
            if (_pendingPayouts.Count == 0)
            {
                return;
            }

            var payout = Pick(_pendingPayouts);
            _pendingPayouts.Remove(payout);
            if (_random.Next(2) == 0)
            {
                var paid = await (await _admin.Client.PostAsync($"/api/v1/admin/payouts/{payout.Id}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);
                Assert.Equal("paid", paid.GetProperty("status").GetString());
                Count("payout approved", true);
            }
            else
            {
                await (await _admin.Client.PostAsync($"/api/v1/admin/payouts/{payout.Id}/reject", null)).ShouldBeAsync(HttpStatusCode.OK);
                _earnings[payout.Creator] += payout.Amount;
                Count("payout rejected", true);
            }
        }

        private async Task ReverseAsync()
        {
            var candidates = _effects.Keys.Where(id => !_reversed.Contains(id)).ToList();
            if (candidates.Count == 0)
            {
                return;
            }

            var id = Pick(candidates);
            var effects = _effects[id];
            var overdraws = effects.Any(e => (e.Earnings ? _earnings : _wallet).GetValueOrDefault(e.User) - e.Delta < 0);
            var response = await _admin.Client.PostAsync($"/api/v1/admin/transactions/{id}/reverse", null);
            var body = await response.Content.ReadAsStringAsync();
            if (overdraws)
            {
                Expect(response, body, HttpStatusCode.Conflict, "negative_balance");
                Count("reversal refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            _reversed.Add(id);
            foreach (var (user, earnings, delta) in effects)
            {
                (earnings ? _earnings : _wallet)[user] -= delta;
            }

            Count("reversal", true);
        }

        private async Task AdjustAsync()
        {
            var user = Pick(_users);
            var amount = (long)_random.Next(-100, 200);
            if (amount == 0)
            {
                return;
            }

            var (response, body) = await MoneyAsync(_admin, $"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount, reason = "random" });
            if (_wallet[user.Id] + amount < 0)
            {
                Expect(response, body, HttpStatusCode.PaymentRequired, "insufficient_funds");
                Count("adjustment refused", false);
                return;
            }

            Expect(response, body, HttpStatusCode.Created);
            Apply(JsonDocument.Parse(body).RootElement.GetProperty("transactionId").GetGuid(), (user.Id, false, amount));
            Count("adjustment", true);
        }

        private async Task ReplayAsync()
        {
            if (_replayable.Count == 0)
            {
                return;
            }

            var (user, path, json, key, status, stored) = Pick(_replayable);
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            var response = await user.Client.SendAsync(request);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(stored, await response.Content.ReadAsStringAsync());
            Count("replay", true);
        }

        public async Task CheckInvariantsAsync()
        {
            var ids = _users.Select(u => u.Id).ToList();
            var accounts = await _app.WithDbAsync(db => db.Set<LedgerAccount>().AsNoTracking()
                .Where(a => a.OwnerId != null && ids.Contains(a.OwnerId.Value)).Select(a => new { a.OwnerId, a.Kind, a.Balance }).ToListAsync());
            foreach (var user in ids)
            {
                var wallet = accounts.FirstOrDefault(a => a.OwnerId == user && a.Kind == AccountKind.Wallet)?.Balance ?? 0;
                var earnings = accounts.FirstOrDefault(a => a.OwnerId == user && a.Kind == AccountKind.Earnings)?.Balance ?? 0;
                Assert.True(_wallet[user] == wallet, $"wallet of {user}: model {_wallet[user]}, ledger {wallet}");
                Assert.True(_earnings[user] == earnings, $"earnings of {user}: model {_earnings[user]}, ledger {earnings}");
                Assert.True(wallet >= 0 && earnings >= 0);
            }

            var report = await _app.ReconcileDirectAsync();
            Assert.True(report.Balanced, "unbalanced: " + string.Join("; ", report.Mismatches.Select(m => $"{m.Kind} {m.Subject} {m.Detail}")));
        }

        public string Summary() => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));
    }
}
