using System.Net;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Social;

/// <summary>Follow, block and the follow lists take ids; a handle there gets a 404 that says where the id is.</summary>
public sealed class HandleWhereAnIdBelongsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Theory]
    [InlineData("POST", "follow")]
    [InlineData("DELETE", "block")]
    [InlineData("GET", "followers")]
    public async Task A_handle_in_place_of_the_id_is_told_how_to_find_the_id(string method, string action)
    {
        var me = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();

        var response = await me.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/v1/users/{other.Handle}/{action}"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Contains($"GET /api/v1/users/{other.Handle}", problem.GetProperty("detail").GetString());
        var byId = await me.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/v1/users/{other.Id}/{action}"));
        Assert.True(byId.IsSuccessStatusCode, $"{method} by id answered {(int)byId.StatusCode}");
    }
}
