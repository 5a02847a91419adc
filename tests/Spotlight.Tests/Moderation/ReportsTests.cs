using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Moderation.Reports;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Moderation;

/// <summary><c>POST /api/v1/reports</c>: one report per reporter and target, one queue item per target, whatever the burst.</summary>
public sealed class ReportsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task A_report_is_201_open_and_the_same_report_again_is_200_with_the_first()
    {
        var (reporter, target) = (await app.CreateUserAsync(), await app.CreateUserAsync());

        var first = await (await ReportAsync(reporter, "user", target.Id, "harassment", "insults in every comment")).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("open", first.GetProperty("status").GetString());
        var again = await (await ReportAsync(reporter, "user", target.Id, "spam")).ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal("harassment", again.GetProperty("reason").GetString());
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Report>().CountAsync(r => r.TargetId == target.Id)));
    }

    [Fact]
    public async Task Reports_of_one_target_by_several_reporters_are_one_queue_item_with_a_count_and_reasons()
    {
        var (moderator, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        foreach (var reason in new[] { "spam", "spam", "scam" })
        {
            await (await ReportAsync(await app.CreateUserAsync(), "user", target.Id, reason)).ShouldBeAsync(HttpStatusCode.Created);
        }

        var item = (await OpenCaseAsync(moderator, "user", target.Id))!.Value;
        Assert.Equal(3, item.GetProperty("reportCount").GetInt32());
        Assert.Equal("open", item.GetProperty("status").GetString());
        var reasons = item.GetProperty("reasons").EnumerateArray().ToDictionary(r => r.GetProperty("reason").GetString()!, r => r.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["spam"] = 2, ["scam"] = 1 }, reasons);
        Assert.Equal(target.Id, item.GetProperty("author").GetProperty("id").GetGuid());
        Assert.Contains(target.Handle, item.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.True(item.GetProperty("firstReportedAt").GetDateTime() <= item.GetProperty("lastReportedAt").GetDateTime());
    }

    [Fact]
    public async Task Fifty_concurrent_reporters_make_one_case_with_a_count_of_fifty()
    {
        var (moderator, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        var reporters = new List<TestUser>();
        for (var i = 0; i < 50; i++)
        {
            reporters.Add(await app.CreateUserAsync());
        }

        using var start = new SemaphoreSlim(0);
        var reports = reporters.Select(async r =>
        {
            await start.WaitAsync();
            return await ReportAsync(r, "user", target.Id, "spam");
        }).ToList();
        start.Release(reporters.Count);
        var responses = await Task.WhenAll(reports);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var cases = await app.WithDbAsync(db => db.Set<ModerationCase>().Where(c => c.TargetId == target.Id).ToListAsync());
        var only = Assert.Single(cases);
        Assert.Equal(50, only.ReportCount);
        Assert.Equal(50, await app.WithDbAsync(db => db.Set<Report>().CountAsync(r => r.CaseId == only.Id)));
        Assert.Equal(50, (await OpenCaseAsync(moderator, "user", target.Id))!.Value.GetProperty("reportCount").GetInt32());
    }

    [Fact]
    public async Task Something_missing_or_out_of_the_reporters_sight_is_404()
    {
        var (reporter, alice, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var theirs = await Chat.DirectAsync(alice, bob);
        var message = (await Chat.PostAsync(alice, theirs, "just between us")).GetProperty("id").GetGuid();

        await (await ReportAsync(reporter, "user", Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ReportAsync(reporter, "message", message)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found"); // not a member
        await (await ReportAsync(reporter, "post", Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ReportAsync(reporter, "live", Guid.NewGuid())).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found"); // no Live module yet
        await (await ReportAsync(bob, "message", message)).ShouldBeAsync(HttpStatusCode.Created); // a member may
    }

    [Fact]
    public async Task A_banned_account_cannot_be_reported()
    {
        var (admin, reporter, banned) = (await app.CreateAdminAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{banned.Id}/ban", new { reason = "spam" })).ShouldBeAsync(HttpStatusCode.OK);

        await (await ReportAsync(reporter, "user", banned.Id)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Reporting_yourself_or_your_own_message_is_400()
    {
        var (me, friend) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(me, friend);
        var mine = (await Chat.PostAsync(me, conversation, "my own words")).GetProperty("id").GetGuid();

        await (await ReportAsync(me, "user", me.Id)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_report_self");
        await (await ReportAsync(me, "message", mine)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_report_self");
    }

    [Theory]
    [InlineData("""{ "targetType": "video", "targetId": "0195a000-0000-7000-8000-000000000001", "reason": "spam" }""", "targetType")]
    [InlineData("""{ "targetType": "user", "targetId": "0195a000-0000-7000-8000-000000000001", "reason": "boring" }""", "reason")]
    [InlineData("""{ "targetType": "user", "reason": "spam" }""", "targetId")]
    [InlineData("""{ "targetType": "user", "targetId": "00000000-0000-0000-0000-000000000000", "reason": "spam" }""", "targetId")]
    public async Task Bad_input_is_400_with_the_field_named(string body, string field)
    {
        var reporter = await app.CreateUserAsync();
        var response = await reporter.Client.PostAsync("/api/v1/reports", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_note_over_1000_characters_or_an_unknown_field_is_400_and_no_token_is_401()
    {
        var (reporter, target) = (await app.CreateUserAsync(), await app.CreateUserAsync());

        await (await ReportAsync(reporter, "user", target.Id, "other", new string('x', 1001))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await reporter.Client.PostAsJsonAsync("/api/v1/reports", new { targetType = "user", targetId = target.Id, reason = "spam", status = "resolved" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/v1/reports", new { targetType = "user", targetId = target.Id, reason = "spam" })).StatusCode);
        await (await ReportAsync(reporter, "user", target.Id, "other", new string('x', 1000))).ShouldBeAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task After_a_decision_a_new_report_of_the_same_target_opens_a_new_case()
    {
        var (moderator, reporter, target) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var first = await ReportedCaseAsync(reporter, moderator, "user", target.Id);
        await (await ResolveAsync(moderator, first, "dismiss", "no rule broken")).ShouldBeAsync(HttpStatusCode.OK);

        var again = await (await ReportAsync(reporter, "user", target.Id, "hate")).ShouldBeAsync(HttpStatusCode.Created);

        var second = (await OpenCaseAsync(moderator, "user", target.Id))!.Value;
        Assert.NotEqual(first, second.GetProperty("id").GetGuid());
        Assert.Equal(1, second.GetProperty("reportCount").GetInt32());
        Assert.Equal("open", again.GetProperty("status").GetString());
    }
}
