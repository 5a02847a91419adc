using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Live;

namespace Spotlight.Tests.Matching;

/// <summary>
/// A server with LiveKit configured but no LiveKit to call (matching mints tokens without one; a room deletion that fails
/// is only logged, and is given up on within a second here).
/// </summary>
public class MatchingApp : SpotlightApp
{
    public static IReadOnlyDictionary<string, string?> LiveKitSettings { get; } = new Dictionary<string, string?>
    {
        ["LiveKit:Url"] = "ws://127.0.0.1:9",
        ["LiveKit:ApiKey"] = LiveKitApp.ApiKey,
        ["LiveKit:ApiSecret"] = LiveKitApp.ApiSecret,
        ["LiveKit:RoomServiceTimeout"] = "00:00:01",
        ["LiveKit:RoomServiceAttemptTimeout"] = "00:00:00.5",
        ["LiveKit:RoomServiceRetries"] = "0",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => LiveKitSettings;
}

/// <summary>What the matching tests do over HTTP and read back from the database.</summary>
public static class Matchmaking
{
    /// <summary>Joins the queue; the answer must be 202.</summary>
    public static async Task<JsonElement> QueueAsync(this TestUser user, string? region, params string[] languages) =>
        await (await user.Client.PostAsJsonAsync("/api/v1/match/queue", new { languages = languages.Length == 0 ? null : languages, region }))
            .ShouldBeAsync(HttpStatusCode.Accepted);

    public static async Task LeaveQueueAsync(this TestUser user) =>
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync("/api/v1/match/queue")).StatusCode);

    /// <summary>A region no other test uses: users of one test are paired only among themselves.</summary>
    public static string UniqueRegion() => "T" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    public static Task<int> QueueRowsAsync(this SpotlightApp app, Guid userId) =>
        app.WithDbAsync(db => db.Database.SqlQuery<int>($"""SELECT COUNT(*) AS "Value" FROM match_queue WHERE "UserId" = {userId}""").SingleAsync());

    public sealed record MatchRow(Guid Id, Guid UserA, Guid UserB, string RoomName, DateTime? EndedAt, string? EndReason);

    /// <summary>Every match any of <paramref name="userIds"/> is in.</summary>
    public static Task<List<MatchRow>> MatchesOfAsync(this SpotlightApp app, IReadOnlyCollection<Guid> userIds)
    {
        var ids = userIds.ToArray();
        return app.WithDbAsync(async db =>
        {
            var rows = await db.Database.SqlQuery<MatchRow>($"""SELECT "Id", "UserA", "UserB", "RoomName", "EndedAt", "EndReason" FROM matches""").ToListAsync();
            return rows.Where(m => ids.Contains(m.UserA) || ids.Contains(m.UserB)).ToList();
        });
    }

    /// <summary>Polls until <paramref name="done"/> holds, for at most <paramref name="limit"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not within {limit}: {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Creates <paramref name="count"/> users, a few at a time (registration hashes a password).</summary>
    public static async Task<TestUser[]> CreateUsersAsync(this SpotlightApp app, int count)
    {
        var users = new TestUser[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => users[i] = await app.CreateUserAsync());
        return users;
    }
}
