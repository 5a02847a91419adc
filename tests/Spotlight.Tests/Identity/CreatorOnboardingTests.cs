using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>How a newcomer becomes a creator without an admin editing roles: apply, an admin approves (API or console) or rejects.</summary>
public sealed class CreatorOnboardingTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private static object Application(string about = "I stream acoustic covers twice a week for about 2,000 followers.") => new
    {
        category = "music", country = "de", about, links = new[] { "https://example.com/me" }, acceptTerms = true,
    };

    [Fact]
    public async Task An_approved_applicant_is_a_creator_after_refreshing_and_the_decision_is_audited()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();

        var applied = await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("pending", applied.GetProperty("status").GetString());
        Assert.Equal("DE", applied.GetProperty("country").GetString());
        var id = applied.GetProperty("id").GetGuid();
        var pending = await (await admin.Client.GetAsync("/api/v1/admin/creator-applications")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains(pending.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id && a.GetProperty("handle").GetString() == user.Handle);

        var approved = await (await admin.Client.PostAsync($"/api/v1/admin/creator-applications/{id}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("approved", approved.GetProperty("status").GetString());
        await (await user.Client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "token_stale");
        var fresh = (await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Contains("creator", fresh.User.Roles);
        Assert.Equal("creator", fresh.User.Tier);
        var creator = app.Authorized(fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await creator.GetAsync("/api/v1/creator/earnings")).StatusCode);
        var mine = await (await creator.GetAsync("/api/v1/creator/application")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("approved", mine.GetProperty("status").GetString());
        await (await creator.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_creator");
        var audited = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == user.Id.ToString()).Select(e => new { e.Action, e.ActorId }).ToListAsync());
        Assert.Contains(audited, e => e.Action == "creator.applied" && e.ActorId == user.Id);
        Assert.Contains(audited, e => e.Action == "creator.approved" && e.ActorId == admin.Id);
    }

    [Fact]
    public async Task One_pending_application_at_a_time_a_rejection_says_why_and_the_user_may_apply_again()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        var first = (await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "application_pending");

        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/creator-applications/{first}/reject", new { reason = "" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/creator-applications/{first}/reject", new { reason = "Add a link to your channel." })).ShouldBeAsync(HttpStatusCode.OK);

        var mine = await (await user.Client.GetAsync("/api/v1/creator/application")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", mine.GetProperty("status").GetString());
        Assert.Equal("Add a link to your channel.", mine.GetProperty("reason").GetString());
        await (await admin.Client.PostAsync($"/api/v1/admin/creator-applications/{first}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_decided");
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode); // a rejection leaves the tokens alone
        await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Two_admins_approving_at_once_decide_once()
    {
        var (first, second) = (await app.CreateAdminAsync(), await app.CreateAdminAsync());
        var user = await app.CreateUserAsync();
        var id = (await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(first.Client.PostAsync($"/api/v1/admin/creator-applications/{id}/approve", null), second.Client.PostAsync($"/api/v1/admin/creator-applications/{id}/approve", null));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.TargetId == user.Id.ToString() && e.Action == "creator.approved")));
    }

    [Fact]
    public async Task An_incomplete_application_names_each_missing_thing()
    {
        var user = await app.CreateUserAsync();

        var problem = await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", new { category = "crypto", country = "Germany", about = "hi", links = new[] { "javascript:alert(1)" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "category", "country", "about", "links", "acceptTerms" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        await (await user.Client.GetAsync("/api/v1/creator/application")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Users_and_moderators_cannot_decide_and_an_unknown_application_is_404()
    {
        var admin = await app.CreateAdminAsync();
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var user = await app.CreateUserAsync();
        var id = (await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        foreach (var caller in new[] { user, moderator })
        {
            await (await caller.Client.PostAsync($"/api/v1/admin/creator-applications/{id}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        await (await admin.Client.PostAsync($"/api/v1/admin/creator-applications/{Guid.NewGuid()}/approve", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var mine = await (await user.Client.GetAsync("/api/v1/creator/application")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("pending", mine.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_admin_approves_from_the_console_page()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        var id = (await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", Application())).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var console = await ConsoleClient.SignInAsync(app, admin);

        var page = await console.GetPageAsync("/admin/creators");
        Assert.Contains("acoustic covers", page.QuerySelector($"tr[data-application='{id}']")!.TextContent);
        var approved = await console.SubmitFormAsync(page, $"tr[data-application='{id}'] form[action*='handler=Approve']", [], "/admin/creators");

        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var mine = await (await app.Authorized((await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!.AccessToken).GetAsync("/api/v1/creator/application")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("approved", mine.GetProperty("status").GetString());
    }
}

/// <summary>With <c>Creators:AutoApprove</c>, a complete application is approved at once.</summary>
public sealed class CreatorAutoApprovalTests(CreatorAutoApprovalTests.AutoApproveApp app) : IClassFixture<CreatorAutoApprovalTests.AutoApproveApp>
{
    public sealed class AutoApproveApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Creators:AutoApprove"] = "true" };
    }

    [Fact]
    public async Task A_complete_application_is_approved_at_once()
    {
        var user = await app.CreateUserAsync();

        var applied = await (await user.Client.PostAsJsonAsync("/api/v1/creator/application", new
        {
            category = "gaming", country = "US", about = "Speedruns of old platformers, live every evening.", acceptTerms = true,
        })).ShouldBeAsync(HttpStatusCode.Created);

        Assert.Equal("approved", applied.GetProperty("status").GetString());
        var fresh = (await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Contains("creator", fresh.User.Roles);
    }
}
