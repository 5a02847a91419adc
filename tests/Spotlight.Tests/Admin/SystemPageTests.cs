using Spotlight.Platform.Events;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>A fixture of its own, with the job runner off: the page counts the jobs and outbox rows of the whole database.</summary>
public sealed class SystemPageTests(SystemPageTests.QuietApp app) : IClassFixture<SystemPageTests.QuietApp>
{
    public sealed class QuietApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" };
    }

    [Fact]
    public async Task The_system_page_shows_health_build_database_jobs_and_outbox_from_real_data()
    {
        var admin = await app.CreateAdminAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.Add(new Job { Id = Guid.CreateVersion7(), Type = "test-later", State = JobState.Queued, RunAt = now.AddDays(1), CreatedAt = now });
            db.Add(new Job { Id = Guid.CreateVersion7(), Type = "test-broken", State = JobState.Dead, RunAt = now, CreatedAt = now, Attempts = 8, LastError = "InvalidOperationException: boom" });
            db.Add(new OutboxMessage
            {
                Id = Guid.CreateVersion7(), EventId = Guid.NewGuid(), EventType = "TestHappened", Handler = "TestHandler", Payload = "{}",
                OccurredAt = now, NextAttemptAt = now, Attempts = 10, DeadAt = now, LastError = "HttpRequestException: refused",
            });
            await db.SaveChangesAsync();
        });

        // Registration queued a verification email too; with the runner off, nothing moves while the page is read.
        var queued = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<Job>(), j => j.State == JobState.Queued));
        Assert.True(queued >= 2);
        var console = await ConsoleClient.SignInAsync(app, admin);
        var page = await console.GetPageAsync("/admin/system");
        Assert.Equal(TestDatabase.IsPostgres ? "PostgreSQL" : "SQLite", page.QuerySelector("[data-testid=provider]")!.TextContent);
        var latest = await app.WithDbAsync(db => Task.FromResult(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetMigrations(db.Database).Last()));
        Assert.Equal(latest, page.QuerySelector("[data-testid=migration]")!.TextContent);
        Assert.Equal("Healthy", page.QuerySelector("[data-testid=health-status]")!.TextContent);
        Assert.StartsWith($"{queued} (", page.QuerySelector("[data-testid=jobs-queued]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", page.QuerySelector("[data-testid=jobs-dead]")!.TextContent);
        Assert.Equal("1", page.QuerySelector("[data-testid=outbox-dead]")!.TextContent);
        Assert.Contains("boom", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("TestHandler", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-testid=version]")!.TextContent));
    }
}
