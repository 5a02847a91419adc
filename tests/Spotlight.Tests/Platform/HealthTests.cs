using System.Net;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed class HealthTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Live_answers_200_while_the_process_is_up()
    {
        var json = await (await app.CreateClient().GetAsync("/health/live")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_lists_each_check_and_says_the_database_is_migrated()
    {
        var json = await (await app.CreateClient().GetAsync("/health/ready")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        var checks = json.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Contains("all migrations applied", checks.GetProperty("database").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", checks.GetProperty("data_directory").GetProperty("status").GetString());
    }
}
