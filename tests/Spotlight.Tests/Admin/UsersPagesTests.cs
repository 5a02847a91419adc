using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

public sealed class UsersPagesTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Search_finds_an_account_by_part_of_its_handle_or_email()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);

        var byHandle = await console.GetPageAsync("/admin/users?query=" + target.Handle[^8..]);
        Assert.Equal([target.Handle], byHandle.QuerySelectorAll("[data-testid=users-table] tbody tr td:first-child a").Select(a => a.TextContent.TrimStart('@')).ToArray());
        var byEmail = await console.GetPageAsync("/admin/users?query=" + Uri.EscapeDataString(target.Email.ToUpperInvariant()));
        Assert.Single(byEmail.QuerySelectorAll("[data-testid=users-table] tbody tr"));

        var none = await console.GetPageAsync("/admin/users?query=no-such-account-anywhere");
        Assert.Contains("No account matches", none.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_is_paged_newest_first_and_the_next_page_continues_where_the_first_ended()
    {
        var admin = await app.CreateAdminAsync();
        var marker = "pg" + Guid.NewGuid().ToString("N")[..6];
        var created = new List<Guid>();
        for (var i = 0; i < 27; i++)
        {
            created.Add(await SeedUserAsync($"{marker}_{i:D2}"));
        }

        var console = await ConsoleClient.SignInAsync(app, admin);
        var first = await console.GetPageAsync("/admin/users?query=" + marker);
        var firstHandles = Handles(first);
        Assert.Equal(25, firstHandles.Count);
        Assert.Equal($"{marker}_26", firstHandles[0]);
        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = Handles(await console.GetPageAsync(next));
        Assert.Equal([$"{marker}_01", $"{marker}_00"], second);
        Assert.Null((await console.GetPageAsync(next)).QuerySelector("a[rel=next]"));

        var broken = await console.GetPageAsync("/admin/users?cursor=not-a-cursor");
        Assert.Contains("no longer valid", broken.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_page_shows_profile_roles_tier_sessions_and_audit_entries()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync(roles: "creator", tier: "premium");
        var console = await ConsoleClient.SignInAsync(app, admin);
        var page = await console.GetPageAsync($"/admin/users/{target.Id}");
        Assert.Equal("user, creator", page.QuerySelector("[data-testid=roles]")!.TextContent);
        Assert.Equal("premium", page.QuerySelector("[data-testid=tier]")!.TextContent);
        Assert.Contains(target.Email, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll("[aria-label='Active sessions'] tbody tr").Length); // registration + the sign-in after the role change
        Assert.Contains(page.QuerySelectorAll("[data-testid=audit-table] code"), c => c.TextContent == "auth.login_succeeded");

        var missing = await console.GetPageAsync($"/admin/users/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        Assert.Equal("No such account", missing.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Banning_from_the_console_ends_the_accounts_api_token_and_is_audited()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync();
        await (await target.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        var console = await ConsoleClient.SignInAsync(app, admin);

        var response = await console.SubmitAsync($"/admin/users/{target.Id}", "form[action*='handler=Ban']", new() { ["Reason"] = "spam links" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await console.GetPageAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("was banned", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("banned", page.QuerySelector("[data-testid=status]")!.TextContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await target.Client.GetAsync("/api/v1/me")).StatusCode);
        var entry = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == "user.banned" && e.TargetId == target.Id.ToString()));
        Assert.Equal(admin.Id, entry.ActorId);
        Assert.Contains("spam links", entry.Details, StringComparison.Ordinal);

        var unban = await console.SubmitAsync($"/admin/users/{target.Id}", "form[action*='handler=Unban']", []);
        Assert.Equal(HttpStatusCode.Redirect, unban.StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == target.Id).Select(u => u.BannedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_refused_action_says_why_and_keeps_its_form_open_with_the_input()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        var response = await console.SubmitAsync($"/admin/users/{admin.Id}", "form[action*='handler=Ban']", new() { ["Reason"] = "testing myself" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await ConsoleClient.ParseAsync(response);
        Assert.Contains("You cannot ban your own account.", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        var form = page.QuerySelector("details[open] form[action*='handler=Ban']");
        Assert.NotNull(form);
        Assert.Equal("testing myself", form!.QuerySelector("textarea")!.TextContent);

        var empty = await ConsoleClient.ParseAsync(await console.SubmitAsync($"/admin/users/{admin.Id}", "form[action*='handler=Ban']", new() { ["Reason"] = " " }));
        Assert.Contains("required", empty.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_tier_sessions_and_two_factor_change_through_their_forms_with_an_audit_entry_each()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync();
        await AdminTestData.EnableTwoFactorAsync(app, target);
        var console = await ConsoleClient.SignInAsync(app, admin);
        var path = $"/admin/users/{target.Id}";

        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitAsync(path, "form[action*='handler=Roles']", new() { ["Roles"] = "creator" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitAsync(path, "form[action*='handler=Tier']", new() { ["Tier"] = "creator" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitAsync(path, "form[action*='handler=RevokeSessions']", [])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitAsync(path, "form[action*='handler=ResetTwoFactor']", [])).StatusCode);

        var user = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id));
        Assert.Equal("user,creator", user.Roles);
        Assert.Equal("creator", user.Tier);
        Assert.False(user.TwoFactorEnabled);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<Spotlight.Identity.Sessions.Session>().CountAsync(s => s.UserId == target.Id && s.RevokedAt == null)));
        var actions = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == target.Id.ToString() && e.ActorId == admin.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["user.2fa_reset", "user.roles_changed", "user.sessions_revoked", "user.tier_changed"], actions.Order(StringComparer.Ordinal).ToArray());

        var bad = await console.Http.PostAsync(path + "?handler=Tier", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = (await console.GetPageAsync(path)).QuerySelector("input[name=__csrf]")!.GetAttribute("value")!,
            ["Tier"] = "platinum",
        }));
        var page = await ConsoleClient.ParseAsync(bad);
        Assert.Contains("Tier must be one of", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    private static List<string> Handles(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=users-table] tbody tr td:first-child a").Select(a => a.TextContent.TrimStart('@')).ToList();

    private Task<Guid> SeedUserAsync(string handle) => app.WithDbAsync(async db =>
    {
        var user = new Spotlight.Identity.User
        {
            Id = Guid.CreateVersion7(), UserName = handle, NormalizedUserName = handle.ToUpperInvariant(), Email = handle + "@example.com",
            NormalizedEmail = (handle + "@example.com").ToUpperInvariant(), SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = DateTime.UtcNow,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        await Task.Delay(2); // UUID v7 ids order by millisecond
        return user.Id;
    });
}
