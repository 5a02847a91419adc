using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Accounts;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>A reset link is good for one reset of the account as it was when the link was sent, and for nothing after.</summary>
public sealed class PasswordResetLinkTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    private async Task<string> RequestResetAsync(TestUser user, int nth = 1)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = user.Email })).StatusCode);
        var tokens = await Mailbox.WaitForTokensAsync(app, user.Email, "Reset your password", nth);
        return tokens[nth - 1];
    }

    private Task<HttpResponseMessage> ResetAsync(string token, string newPassword) =>
        Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword });

    [Fact]
    public async Task A_second_reset_link_dies_when_the_first_is_used()
    {
        var user = await app.CreateUserAsync();
        var first = await RequestResetAsync(user, 1);
        var second = await RequestResetAsync(user, 2);

        Assert.Equal(HttpStatusCode.NoContent, (await ResetAsync(first, "lantern orchard violet 51")).StatusCode);
        await (await ResetAsync(second, "harbour pebble meadow 73")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        await (await ResetAsync(first, "harbour pebble meadow 73")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "lantern orchard violet 51" })).StatusCode);
    }

    [Fact]
    public async Task A_reset_link_dies_when_the_password_is_changed()
    {
        var user = await app.CreateUserAsync();
        var token = await RequestResetAsync(user);
        var change = await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "copper thistle quarry 28" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        await (await ResetAsync(token, "harbour pebble meadow 73")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "copper thistle quarry 28" })).StatusCode);
    }

    [Fact]
    public async Task A_reset_link_dies_when_the_email_changes()
    {
        var user = await app.CreateUserAsync();
        var token = await RequestResetAsync(user);
        var moved = $"moved-{Guid.NewGuid():N}@example.com";
        // No endpoint changes the email yet: the link is bound to the address whatever path a future change takes.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, moved).SetProperty(u => u.NormalizedEmail, AccountRules.NormalizeEmail(moved))));

        await (await ResetAsync(token, "harbour pebble meadow 73")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task A_reset_link_dies_when_two_factor_is_turned_on()
    {
        var user = await app.CreateUserAsync();
        var token = await RequestResetAsync(user);
        await TwoFactorSteps.EnableAsync(app, user);

        await (await ResetAsync(token, "harbour pebble meadow 73")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task Two_reset_links_used_at_once_reset_the_password_once()
    {
        var user = await app.CreateUserAsync();
        var first = await RequestResetAsync(user, 1);
        var second = await RequestResetAsync(user, 2);

        var answers = await Task.WhenAll(ResetAsync(first, "lantern orchard violet 51"), ResetAsync(second, "harbour pebble meadow 73"));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.BadRequest);
    }
}
