using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Xunit.Abstractions;

namespace Spotlight.Tests.Content.Unlocks;

/// <summary>
/// An unlock costs the SQL round trips of a gift (issue 10, performance): one read for the post, the block and an earlier
/// unlock, the debit, the credit, one batch, the commit. Counted like <c>GiftCostTests</c>, side by side in one server.
/// </summary>
public sealed class UnlockCostTests(UnlockCostTests.CountingApp app, ITestOutputHelper output) : IClassFixture<UnlockCostTests.CountingApp>
{
    [Fact]
    public async Task An_unlock_costs_the_same_sql_round_trips_as_a_gift()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 10_000);
        var warmPost = await UnlockApp.PremiumPostAsync(creator, 100);
        var post = await UnlockApp.PremiumPostAsync(creator, 100);
        // Warm: the first sale also creates the platform accounts and the creator's earnings account.
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        await (await UnlockApp.UnlockAsync(fan, warmPost)).ShouldBeAsync(HttpStatusCode.Created);

        var gift = await CountAsync("gift", () => fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 }), HttpStatusCode.Created);
        var unlock = await CountAsync("unlock", () => UnlockApp.UnlockAsync(fan, post), HttpStatusCode.Created);
        var repeat = await CountAsync("repeated unlock", () => UnlockApp.UnlockAsync(fan, post), HttpStatusCode.OK);

        Assert.DoesNotContain("SAVEPOINT", unlock);
        if (TestDatabase.IsPostgres)
        {
            // SaveChanges is one batch on PostgreSQL, however many rows it carries: the counts are round trips.
            Assert.Equal(gift.Length, unlock.Length);
        }
        else
        {
            // In process, SQLite runs a batch's rows one by one: the unlock's PostUnlock row is one statement more, and its
            // event has one subscriber where a gift's has two.
            Assert.InRange(unlock.Length, 1, gift.Length + 1);
        }

        Assert.True(repeat.Length < unlock.Length, "A repeated unlock must cost less than a sale.");
    }

    private async Task<string[]> CountAsync(string what, Func<Task<HttpResponseMessage>> call, HttpStatusCode expected)
    {
        app.Commands.Clear();
        await (await call()).ShouldBeAsync(expected);
        var commands = app.Commands.ToArray();
        output.WriteLine($"{commands.Length} commands for one {what}:");
        foreach (var command in commands)
        {
            output.WriteLine("  " + command.ReplaceLineEndings(" ")[..Math.Min(140, command.Length)]);
        }

        return commands;
    }

    public sealed class CountingApp : UnlockApp
    {
        public ConcurrentQueue<string> Commands { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            base.ConfigureTestServices(services);
            services.AddSingleton<IInterceptor>(sp => new SqlCommandCounter(sp.GetRequiredService<IHttpContextAccessor>(), Commands,
                path => path == "/api/v1/gifts" || (path.StartsWith("/api/v1/content/", StringComparison.Ordinal) && path.EndsWith("/unlock", StringComparison.Ordinal))));
        }
    }
}
