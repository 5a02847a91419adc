using System.Net;
using System.Net.Http.Json;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

public sealed class AuditLogTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task The_api_filters_by_actor_action_target_and_date_and_pages_newest_first()
    {
        var admin = await app.CreateAdminAsync();
        var actor = await app.CreateUserAsync();
        var target = Guid.NewGuid().ToString();
        await SeedAsync(actor.Id, target, ("test.alpha", new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc)), ("test.beta", new DateTime(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc)),
            ("test.alpha", new DateTime(2026, 3, 3, 12, 0, 0, DateTimeKind.Utc)));

        var byTarget = await Get(admin, $"?target={target}");
        Assert.Equal(["test.alpha", "test.beta", "test.alpha"], Actions(byTarget));
        Assert.Equal(actor.Handle, byTarget.GetProperty("items")[0].GetProperty("actorHandle").GetString());
        Assert.Equal(["test.alpha", "test.alpha"], Actions(await Get(admin, $"?target={target}&action=test.alpha")));
        Assert.Equal(3, Actions(await Get(admin, $"?target={target}&action=test.*")).Length);
        Assert.Equal(["test.beta"], Actions(await Get(admin, $"?target={target}&from=2026-03-02&to=2026-03-02")));
        Assert.Equal(3, Actions(await Get(admin, $"?actor={actor.Handle}&target={target}")).Length);
        Assert.Equal(3, Actions(await Get(admin, $"?actor={Uri.EscapeDataString(actor.Email)}&target={target}")).Length);
        Assert.Empty(Actions(await Get(admin, $"?actor=nobody-at-all&target={target}")));

        var first = await Get(admin, $"?target={target}&limit=2");
        Assert.Equal(2, Actions(first).Length);
        var second = await Get(admin, $"?target={target}&limit=2&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal(["test.alpha"], Actions(second));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Bad_filters_are_a_400_and_only_admins_may_read_the_log()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        var problem = await (await admin.Client.GetAsync("/api/v1/admin/audit?from=yesterday")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
        await (await admin.Client.GetAsync("/api/v1/admin/audit?from=2026-03-05&to=2026-03-01")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.GetAsync("/api/v1/admin/audit?limit=500")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.GetAsync("/api/v1/admin/audit?cursor=xyz")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await user.Client.GetAsync("/api/v1/admin/audit")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.CreateClient().GetAsync("/api/v1/admin/audit")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_page_filters_and_exports_the_same_entries_as_csv_with_formulas_defused()
    {
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var target = Guid.NewGuid().ToString();
        await SeedAsync(moderator.Id, target, ("test.csv", DateTime.UtcNow.AddMinutes(-1)), ("=HYPERLINK(\"x\")", DateTime.UtcNow));
        var console = await ConsoleClient.SignInAsync(app, moderator);

        var page = await console.GetPageAsync($"/admin/audit?target={target}");
        Assert.Equal(2, page.QuerySelectorAll("[data-testid=audit-table] tbody tr").Length);
        var export = page.QuerySelector("[data-testid=export-csv]")!.GetAttribute("href")!;
        Assert.Equal($"/admin/audit/export.csv?target={target}", export);

        var csv = await console.Http.GetAsync(export);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment;", csv.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("id,at,actor_id,actor_handle,action", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.Contains(",test.csv,", lines[2], StringComparison.Ordinal);
        Assert.Contains(moderator.Handle, lines[2], StringComparison.Ordinal);

        var invalid = await console.GetPageAsync("/admin/audit?from=31/12/2026");
        Assert.Contains("YYYY-MM-DD", invalid.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", invalid.QuerySelector("#from")!.GetAttribute("aria-invalid"));
        var empty = await console.GetPageAsync($"/admin/audit?target={Guid.NewGuid()}");
        Assert.Contains("No entry matches these filters.", empty.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_actor_filter_finds_an_account_by_its_email_as_typed_with_accents()
    {
        var admin = await app.CreateAdminAsync();
        var domain = $"{Guid.NewGuid():N}.org";
        var registered = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"zoë@{domain}", password = "lantern orchard violet 51", handle = app.UniqueHandle() });
        var id = (await registered.ShouldBeAsync(HttpStatusCode.Created)).GetProperty("user").GetProperty("id").GetGuid();
        var target = Guid.NewGuid().ToString();
        await SeedAsync(id, target, ("test.gamma", new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc)));

        Assert.Equal(["test.gamma"], Actions(await Get(admin, $"?actor={Uri.EscapeDataString($"ZOË@{domain}")}&target={target}")));
    }

    private static string[] Actions(System.Text.Json.JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()!).ToArray();

    private static async Task<System.Text.Json.JsonElement> Get(TestUser admin, string query) =>
        await (await admin.Client.GetAsync("/api/v1/admin/audit" + query)).ShouldBeAsync(HttpStatusCode.OK);

    private Task SeedAsync(Guid actor, string target, params (string Action, DateTime At)[] entries) => app.WithDbAsync(async db =>
    {
        foreach (var (action, at) in entries)
        {
            db.Add(new AuditEntry { Id = Guid.CreateVersion7(), At = at, ActorId = actor, Action = action, TargetType = "thing", TargetId = target });
            await db.SaveChangesAsync();
            await Task.Delay(2);
        }
    });
}
