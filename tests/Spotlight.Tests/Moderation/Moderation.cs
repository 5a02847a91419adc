using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Moderation;

/// <summary>Reports, the queue and decisions through the REST API, for the moderation tests.</summary>
public static class Moderation
{
    public static Task<HttpResponseMessage> ReportAsync(TestUser reporter, string targetType, Guid targetId, string reason = "spam", string? note = null) =>
        reporter.Client.PostAsJsonAsync("/api/v1/reports", new { targetType, targetId, reason, note });

    /// <summary>The open queue item of a target (there is at most one).</summary>
    public static async Task<JsonElement?> OpenCaseAsync(TestUser staff, string targetType, Guid targetId)
    {
        string? cursor = null;
        do
        {
            var page = await (await staff.Client.GetAsync($"/api/v1/admin/reports?status=open&limit=100{(cursor is null ? "" : "&cursor=" + cursor)}"))
                .ShouldBeAsync(HttpStatusCode.OK);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("targetType").GetString() == targetType && item.GetProperty("targetId").GetGuid() == targetId)
                {
                    return item;
                }
            }

            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return null;
    }

    public static Task<HttpResponseMessage> ResolveAsync(TestUser staff, Guid caseId, string action, string reason = "against the rules", int? days = null) =>
        staff.Client.PostAsJsonAsync($"/api/v1/admin/reports/{caseId}/resolve", new { action, reason, days });

    /// <summary>Files one report of the target and returns its queue item's id.</summary>
    public static async Task<Guid> ReportedCaseAsync(TestUser reporter, TestUser staff, string targetType, Guid targetId, string reason = "spam")
    {
        var response = await ReportAsync(reporter, targetType, targetId, reason);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await OpenCaseAsync(staff, targetType, targetId))!.Value.GetProperty("id").GetGuid();
    }

    /// <summary>Waits (the outbox delivers within a second or so) for a notification of this type about this subject.</summary>
    public static async Task<JsonElement> NotificationAsync(TestUser user, string type, Guid subjectId, TimeSpan? within = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var page = await (await user.Client.GetAsync("/api/v1/notifications?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
            var found = page.GetProperty("items").EnumerateArray()
                .Where(n => n.GetProperty("type").GetString() == type && n.GetProperty("subjectId").GetGuid() == subjectId).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            Assert.True(watch.Elapsed < (within ?? TimeSpan.FromSeconds(15)), $"No {type} notification about {subjectId} arrived.");
            await Task.Delay(100);
        }
    }

    public static async Task<int> NotificationCountAsync(TestUser user, string type)
    {
        var page = await (await user.Client.GetAsync("/api/v1/notifications?limit=100")).ShouldBeAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Count(n => n.GetProperty("type").GetString() == type);
    }
}
