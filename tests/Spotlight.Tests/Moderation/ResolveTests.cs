using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Moderation.Reports;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Moderation;

/// <summary>
/// <c>POST /api/v1/admin/reports/{id}/resolve</c> and its bulk form: each action applied to every open report of the
/// target, audited, the author told why, each reporter told the outcome; who may call them.
/// </summary>
public sealed class ResolveTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Warn_closes_every_open_report_notifies_the_author_with_the_reason_and_each_reporter_the_outcome()
    {
        var (moderator, author) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        var (first, second) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        await (await ReportAsync(first, "user", author.Id, "harassment")).ShouldBeAsync(HttpStatusCode.Created);
        var caseId = await ReportedCaseAsync(second, moderator, "user", author.Id, "hate");

        var resolved = await (await ResolveAsync(moderator, caseId, "warn", "Keep it civil")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("warn", resolved.GetProperty("resolution").GetProperty("action").GetString());
        Assert.Null(await OpenCaseAsync(moderator, "user", author.Id));
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<Report>().CountAsync(r => r.CaseId == caseId && r.Outcome == "warn")));

        var warning = await NotificationAsync(author, "moderation", author.Id);
        Assert.Equal("warn", warning.GetProperty("data").GetProperty("action").GetString());
        Assert.Equal("Keep it civil", warning.GetProperty("data").GetProperty("reason").GetString());
        foreach (var reporter in new[] { first, second })
        {
            var reportId = await app.WithDbAsync(db => db.Set<Report>().Where(r => r.ReporterId == reporter.Id && r.CaseId == caseId).Select(r => r.Id).SingleAsync());
            var told = await NotificationAsync(reporter, "report_resolved", reportId);
            Assert.Equal("action_taken", told.GetProperty("data").GetProperty("outcome").GetString());
        }

        var audit = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == "report.resolved" && e.TargetId == caseId.ToString()));
        Assert.Equal(moderator.Id, audit.ActorId);
        var details = JsonDocument.Parse(audit.Details!).RootElement;
        Assert.Equal("warn", details.GetProperty("action").GetString());
        Assert.Equal("Keep it civil", details.GetProperty("reason").GetString());
        Assert.Equal(2, details.GetProperty("reports").GetInt32());
    }

    [Fact]
    public async Task Dismiss_tells_reporters_it_was_dismissed_and_the_author_nothing()
    {
        var (moderator, reporter, author) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", author.Id);

        await (await ResolveAsync(moderator, caseId, "dismiss", "not against the rules")).ShouldBeAsync(HttpStatusCode.OK);

        var reportId = await app.WithDbAsync(db => db.Set<Report>().Where(r => r.CaseId == caseId).Select(r => r.Id).SingleAsync());
        Assert.Equal("dismissed", (await NotificationAsync(reporter, "report_resolved", reportId)).GetProperty("data").GetProperty("outcome").GetString());
        Assert.Equal(0, await NotificationCountAsync(author, "moderation"));
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "report.resolved" && e.TargetId == caseId.ToString())));
    }

    [Fact]
    public async Task Hiding_a_reported_message_makes_it_a_tombstone_for_every_member()
    {
        var (moderator, author, reader) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(author, reader);
        var message = (await Chat.PostAsync(author, conversation, "buy followers at scam.example")).GetProperty("id").GetGuid();
        var caseId = await ReportedCaseAsync(reader, moderator, "message", message, "scam");
        var item = (await OpenCaseAsync(moderator, "message", message))!.Value;
        Assert.Equal("buy followers at scam.example", item.GetProperty("preview").GetString());
        Assert.Equal(author.Id, item.GetProperty("author").GetProperty("id").GetGuid());

        await (await ResolveAsync(moderator, caseId, "hide", "Scam link")).ShouldBeAsync(HttpStatusCode.OK);

        foreach (var member in new[] { author, reader })
        {
            var shown = (await Chat.HistoryAsync(member, conversation)).Single(m => m.GetProperty("id").GetGuid() == message);
            Assert.Equal(JsonValueKind.Null, shown.GetProperty("text").ValueKind);
            Assert.NotEqual(JsonValueKind.Null, shown.GetProperty("deletedAt").ValueKind);
        }

        Assert.Equal("hide", (await NotificationAsync(author, "moderation", message)).GetProperty("data").GetProperty("action").GetString());
        await (await ReportAsync(reader, "message", message)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found"); // gone
    }

    [Fact]
    public async Task Hide_or_remove_on_an_account_is_400_and_leaves_the_case_open()
    {
        var (moderator, reporter, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", target.Id);

        await (await ResolveAsync(moderator, caseId, "hide")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "action_not_applicable");
        await (await ResolveAsync(moderator, caseId, "remove")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "action_not_applicable");

        Assert.NotNull(await OpenCaseAsync(moderator, "user", target.Id));
    }

    [Fact]
    public async Task A_second_decision_is_409_and_an_unknown_case_404()
    {
        var (moderator, reporter, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", target.Id);
        await (await ResolveAsync(moderator, caseId, "dismiss")).ShouldBeAsync(HttpStatusCode.OK);

        await (await ResolveAsync(moderator, caseId, "warn")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "already_resolved");
        await (await ResolveAsync(moderator, Guid.NewGuid(), "warn")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "report.resolved" && e.TargetId == caseId.ToString())));
    }

    [Theory]
    [InlineData("""{ "action": "delete", "reason": "x" }""", "action")]
    [InlineData("""{ "action": "warn" }""", "reason")]
    [InlineData("""{ "action": "warn", "reason": "   " }""", "reason")]
    [InlineData("""{ "action": "suspend", "reason": "x" }""", "days")]
    [InlineData("""{ "action": "suspend", "reason": "x", "days": 0 }""", "days")]
    [InlineData("""{ "action": "ban", "reason": "x", "days": 3 }""", "days")]
    public async Task A_decision_without_a_valid_action_reason_or_days_is_400(string body, string field)
    {
        var (moderator, reporter, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", target.Id);

        var response = await moderator.Client.PostAsync($"/api/v1/admin/reports/{caseId}/resolve", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Ban_from_the_queue_ends_the_authors_tokens_and_refuses_their_sign_in()
    {
        var (moderator, reporter, author) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", author.Id, "scam");

        await (await ResolveAsync(moderator, caseId, "ban", "Running a scam")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, (await author.Client.GetAsync("/api/v1/me")).StatusCode);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = author.Email, password = author.Password }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");
        var user = await app.WithDbAsync(db => db.Users.SingleAsync(u => u.Id == author.Id));
        Assert.Null(user.BannedUntil);
        Assert.Equal("Running a scam", user.BanReason);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "user.banned" && e.TargetId == author.Id.ToString() && e.ActorId == moderator.Id)));
    }

    [Fact]
    public async Task A_moderator_cannot_suspend_or_ban_staff_but_an_admin_can()
    {
        var (moderator, admin, reporter, colleague) =
            (await app.CreateUserAsync("moderator"), await app.CreateAdminAsync(), await app.CreateUserAsync(), await app.CreateUserAsync("moderator"));
        var caseId = await ReportedCaseAsync(reporter, moderator, "user", colleague.Id);

        await (await ResolveAsync(moderator, caseId, "ban")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "staff_account");
        await (await ResolveAsync(admin, caseId, "suspend", "cooling off", 1)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bulk_resolve_decides_several_items_at_once_and_says_which_could_not_be()
    {
        var moderator = await app.CreateUserAsync("moderator");
        var reporter = await app.CreateUserAsync();
        var targets = new[] { await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync() };
        var ids = new List<Guid>();
        foreach (var target in targets)
        {
            ids.Add(await ReportedCaseAsync(reporter, moderator, "user", target.Id));
        }

        await (await ResolveAsync(moderator, ids[2], "dismiss")).ShouldBeAsync(HttpStatusCode.OK);

        var bulk = await (await moderator.Client.PostAsJsonAsync("/api/v1/admin/reports/resolve", new { ids, action = "warn", reason = "Spam wave" }))
            .ShouldBeAsync(HttpStatusCode.OK);

        var items = bulk.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetGuid());
        Assert.True(items[ids[0]].GetProperty("resolved").GetBoolean());
        Assert.True(items[ids[1]].GetProperty("resolved").GetBoolean());
        Assert.False(items[ids[2]].GetProperty("resolved").GetBoolean());
        Assert.Equal("already_resolved", items[ids[2]].GetProperty("code").GetString());
        foreach (var target in targets[..2])
        {
            Assert.Null(await OpenCaseAsync(moderator, "user", target.Id));
            Assert.Equal("Spam wave", (await NotificationAsync(target, "moderation", target.Id)).GetProperty("data").GetProperty("reason").GetString());
        }

        Assert.Equal(2, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "report.resolved" && e.ActorId == moderator.Id
            && (e.TargetId == ids[0].ToString() || e.TargetId == ids[1].ToString()))));
        await (await moderator.Client.PostAsJsonAsync("/api/v1/admin/reports/resolve", new { ids = Array.Empty<Guid>(), action = "warn", reason = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Moderators_and_admins_work_the_queue_a_plain_user_gets_403_and_moderators_still_see_no_money()
    {
        var (moderator, admin, user) = (await app.CreateUserAsync("moderator"), await app.CreateAdminAsync(), await app.CreateUserAsync());

        Assert.Equal(HttpStatusCode.OK, (await moderator.Client.GetAsync("/api/v1/admin/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Client.GetAsync("/api/v1/admin/reports?status=resolved")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.GetAsync("/api/v1/admin/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Client.PostAsJsonAsync($"/api/v1/admin/reports/{Guid.NewGuid()}/resolve", new { action = "dismiss", reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/v1/admin/reports")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.Client.GetAsync("/api/v1/admin/ledger/reconciliation")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.Client.GetAsync("/api/v1/admin/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.Client.PostAsJsonAsync($"/api/v1/admin/payouts/{Guid.NewGuid()}/approve", new { })).StatusCode);
        await (await moderator.Client.GetAsync("/api/v1/admin/reports?status=closed")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task The_queue_pages_newest_first_with_a_cursor_and_refuses_a_bad_limit()
    {
        var (moderator, reporter) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        var older = await ReportedCaseAsync(reporter, moderator, "user", (await app.CreateUserAsync()).Id);
        var newer = await ReportedCaseAsync(reporter, moderator, "user", (await app.CreateUserAsync()).Id);

        var first = await (await moderator.Client.GetAsync("/api/v1/admin/reports?status=open&limit=1")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(newer, Assert.Single(first.GetProperty("items").EnumerateArray().ToList()).GetProperty("id").GetGuid());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await moderator.Client.GetAsync($"/api/v1/admin/reports?status=open&limit=1&cursor={cursor}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(older, Assert.Single(second.GetProperty("items").EnumerateArray().ToList()).GetProperty("id").GetGuid());

        await (await moderator.Client.GetAsync("/api/v1/admin/reports?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await moderator.Client.GetAsync("/api/v1/admin/reports?cursor=not-a-cursor")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task One_queue_item_shows_each_report_with_its_note()
    {
        var (moderator, reporter, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        await (await ReportAsync(reporter, "user", target.Id, "other", "impersonates a friend of mine")).ShouldBeAsync(HttpStatusCode.Created);
        var caseId = (await OpenCaseAsync(moderator, "user", target.Id))!.Value.GetProperty("id").GetGuid();

        var item = await (await moderator.Client.GetAsync($"/api/v1/admin/reports/{caseId}")).ShouldBeAsync(HttpStatusCode.OK);

        var report = Assert.Single(item.GetProperty("reports").EnumerateArray().ToList());
        Assert.Equal("impersonates a friend of mine", report.GetProperty("note").GetString());
        Assert.Equal(reporter.Id, report.GetProperty("reporterId").GetGuid());
        await (await moderator.Client.GetAsync($"/api/v1/admin/reports/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
