using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Webhooks;
using static Spotlight.Tests.Webhooks.WebhookCalls;

namespace Spotlight.Tests.Webhooks;

/// <summary>
/// The SSRF guard with <c>Webhooks:AllowPrivateNetworks</c> off (the default): URLs whose host is or resolves to a
/// loopback, private, link-local (metadata), CGNAT or unspecified address are refused at registration, and a delivery
/// never connects to such an address even when the name resolves there only later (checked on connect).
/// </summary>
public sealed class WebhookAddressTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://172.16.5.4/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("https://localhost:8443/hook")]
    [InlineData("http://2130706433/hook")] // 127.0.0.1 as one number
    public async Task A_url_that_reaches_a_non_public_address_is_refused_at_registration(string url)
    {
        var admin = await app.CreateAdminAsync();

        var refused = await (await admin.Client.PostAsJsonAsync(Api, new { url, events = new[] { "gift.sent" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "url_not_allowed");

        Assert.Contains("non-public address", refused.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_address_is_accepted_and_a_change_to_a_private_one_is_refused()
    {
        var admin = await app.CreateAdminAsync();
        var (id, _) = await RegisterAsync(admin, "https://93.184.215.14/hooks/spotlight");

        await (await admin.Client.PatchAsJsonAsync($"{Api}/{id}", new { url = "http://169.254.169.254/" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "url_not_allowed");
        var read = await (await admin.Client.GetAsync($"{Api}/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("https://93.184.215.14/hooks/spotlight", read.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_delivery_does_not_connect_to_a_name_that_now_resolves_to_loopback()
    {
        var admin = await app.CreateAdminAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (id, _) = await RegisterAsync(admin, "https://93.184.215.14/hooks/spotlight");
        // As if the name's DNS answer changed after registration: the stored URL now names a host on loopback.
        await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Url, $"http://localhost:{port}/hook")));
        var delivery = await SendTestAsync(admin, id);

        var failed = await WaitForDeliveryAsync(admin, id, delivery, r => Attempted(r, 1), seconds: 30);

        Assert.Equal("pending", failed.Status());
        Assert.Contains("not a public address", failed.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.False(listener.Pending()); // nothing connected
        await (await admin.Client.DeleteAsync($"{Api}/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("64:ff9b::a9fe:a9fe", true)] // NAT64 of 169.254.169.254
    [InlineData("2002:7f00:1::", true)] // 6to4 of 127.0.0.1
    [InlineData("fc00::1", true)]
    [InlineData("fdff::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2606:4700:4700::1111", false)]
    public void Addresses_are_judged_by_the_network_they_are_in(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddresses.IsRefused(IPAddress.Parse(address)));
}
