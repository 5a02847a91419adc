using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spotlight.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Spotlight.Tests.Wallet;

/// <summary>Counts the SQL commands one gift costs (docs/performance-wallet.md), so a change that adds round trips shows up.</summary>
public sealed class GiftCostTests(GiftCostTests.CountingApp app, ITestOutputHelper output) : IClassFixture<GiftCostTests.CountingApp>
{
    [Fact]
    public async Task A_gift_costs_a_handful_of_sql_round_trips()
    {
        var sender = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(sender.Id, 1000);
        // Warm: the first gift also creates the platform accounts and the creator's earnings account.
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);

        app.Commands.Clear();
        await (await sender.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);

        var commands = app.Commands.ToArray();
        output.WriteLine($"{commands.Length} commands for one gift:");
        foreach (var command in commands)
        {
            output.WriteLine("  " + command.ReplaceLineEndings(" ")[..Math.Min(140, command.Length)]);
        }

        // PostgreSQL gets the inserts of SaveChanges as one batch (one round trip); SQLite, in process, runs them one by one.
        // Each handler subscribed to GiftSent (notifications, live rooms, the for-you rank, the leaderboards, integrators'
        // webhooks) adds one outbox row: in the batch on PostgreSQL, one more in-process statement on SQLite.
        Assert.DoesNotContain("SAVEPOINT", commands);
        Assert.InRange(commands.Length, 1, TestDatabase.IsPostgres ? 6 : 17);
    }

    public sealed class CountingApp : WalletApp
    {
        public ConcurrentQueue<string> Commands { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            base.ConfigureTestServices(services);
            services.AddSingleton<IInterceptor>(sp => new SqlCommandCounter(sp.GetRequiredService<IHttpContextAccessor>(), Commands,
                path => path == "/api/v1/gifts"));
        }
    }
}
