using System.Net;
using Spotlight.Tests.Infrastructure;
using static Spotlight.Tests.Webhooks.WebhookCalls;

namespace Spotlight.Tests.Webhooks;

/// <summary>The delivery job runs on every node at once (on PostgreSQL, two here): each delivery is still sent once.</summary>
public sealed class WebhookNodesTests(WebhookNodes nodes) : IClassFixture<WebhookNodes>
{
    [Fact]
    public async Task Deliveries_claimed_by_several_nodes_at_once_are_each_sent_exactly_once()
    {
        var app = nodes.First;
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();
        var (endpoint, _) = await RegisterAsync(admin, url);

        var deliveries = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            deliveries.Add(await SendTestAsync(admin, endpoint));
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await (await admin.Client.GetAsync($"{Api}/{endpoint}/deliveries?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
            var rows = page.GetProperty("items").EnumerateArray().ToList();
            if (rows.Count == 30 && rows.All(r => r.Status() == "succeeded"))
            {
                Assert.All(rows, r => Assert.Equal(1, r.GetProperty("attempts").GetInt32()));
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "Not every delivery succeeded in 30 s.");
            await Task.Delay(250);
        }

        await Task.Delay(1500); // a second send, if any node made one, would have arrived by now
        var received = app.Receiver.At(url);
        Assert.Equal(30, received.Count);
        Assert.Equal(30, received.Select(r => r.Id).Distinct().Count());
    }
}
