using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spotlight.Identity.Users;
using Spotlight.Tests.Infrastructure;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Moderation;

/// <summary>A suspension is a ban with an end: sign-in is refused until the days pass, then allowed. The clock moves here, so the class has its own server.</summary>
public sealed class SuspensionTests(SuspensionTests.App app) : IClassFixture<SuspensionTests.App>
{
    public sealed class App : SpotlightApp;

    [Fact]
    public async Task A_suspended_author_is_refused_until_the_days_pass_then_signs_in_again()
    {
        var (moderator, reporter, author) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", author.Id, "harassment");

        var resolved = await (await ResolveAsync(moderator, caseId, "suspend", "Three days to cool off", days: 3)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(3, resolved.GetProperty("resolution").GetProperty("days").GetInt32());

        Assert.Equal(HttpStatusCode.Unauthorized, (await author.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.True(await EventuallyNotifiedAsync(author.Id)); // the author's tokens are gone: read it from the database
        await (await LoginAsync(author)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");
        Assert.False(await IsActiveAsync(author.Id));

        app.Clock.Advance(TimeSpan.FromDays(2));
        await (await LoginAsync(author)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var signedIn = await (await LoginAsync(author)).ShouldBeAsync(HttpStatusCode.OK);
        var client = app.Authorized(signedIn.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.True(await IsActiveAsync(author.Id));
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == author.Id).Select(u => u.BannedAt).SingleAsync()));
    }

    [Fact]
    public async Task An_admin_ban_with_days_ends_by_itself_and_one_without_does_not()
    {
        var admin = await app.CreateAdminAsync();
        var (suspended, banned) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var body = await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{suspended.Id}/ban", new { reason = "cool off", days = 1 })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, body.GetProperty("bannedUntil").ValueKind);
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{banned.Id}/ban", new { reason = "for good" })).ShouldBeAsync(HttpStatusCode.OK);
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{banned.Id}/ban", new { reason = "x", days = 0 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        // The expiry job lifts the suspension without a sign-in; the ban stays.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await app.WithDbAsync(db => db.Users.Where(u => u.Id == suspended.Id).Select(u => u.BannedAt).SingleAsync()) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The suspension was not lifted by the job.");
            await Task.Delay(200);
        }

        await (await LoginAsync(suspended)).ShouldBeAsync(HttpStatusCode.OK);
        await (await LoginAsync(banned)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");
    }

    private Task<HttpResponseMessage> LoginAsync(TestUser user) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });

    /// <summary>What other modules are told through Identity's user directory.</summary>
    private async Task<bool> IsActiveAsync(Guid userId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<IUserDirectory>();
        return !(await directory.FactsAsync([userId], default))[userId].IsBanned && await directory.ActiveUserIds().ContainsAsync(userId);
    }

    private async Task<bool> EventuallyNotifiedAsync(Guid userId)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await app.WithDbAsync(db => db.Set<Spotlight.Notifications.Notification>().AnyAsync(n => n.UserId == userId && n.Type == "moderation")))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
