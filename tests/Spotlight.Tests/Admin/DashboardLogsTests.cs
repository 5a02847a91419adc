using System.Net;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Admin;

/// <summary>Development logs stay readable: reading the dashboard is a normal event and logs no warning (EF's included).</summary>
public sealed class DashboardLogsTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task Reading_the_dashboard_makes_EF_warn_about_nothing()
    {
        var admin = await app.CreateAdminAsync();

        var response = await admin.Client.GetAsync("/api/v1/admin/stats");

        await response.ShouldBeAsync(HttpStatusCode.OK);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Contains(app.Logs.Lines, l => l.RequestId == requestId);
        Assert.DoesNotContain(app.Logs.Lines, l => l.RequestId == requestId && l.Level >= LogLevel.Warning);
    }
}
