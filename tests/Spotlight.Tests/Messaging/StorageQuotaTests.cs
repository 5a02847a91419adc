using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Messaging.Attachments;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Messaging;

/// <summary>Storage quotas by tier over chat attachments: a full quota refuses the next upload, and deleting or expiring uploads frees it.</summary>
public sealed class StorageQuotaTests(StorageQuotaTests.App app) : IClassFixture<StorageQuotaTests.App>
{
    /// <summary>Quotas of a few uploads: free 5 KiB, premium 10 KiB (as a plain byte count); unattached uploads kept 10 minutes.</summary>
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Messaging:MaxAttachmentBytes"] = "2048",
            ["Messaging:UnattachedUploadMinutes"] = "10",
            ["Storage:Quotas:free"] = "5KiB",
            ["Storage:Quotas:premium"] = "10240",
        };
    }

    private const int UploadSize = 2000;

    private static byte[] Png()
    {
        var bytes = new byte[UploadSize];
        byte[] head = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        head.CopyTo(bytes, 0);
        Random.Shared.NextBytes(bytes.AsSpan(head.Length));
        return bytes;
    }

    private static async Task<HttpResponseMessage> UploadAsync(TestUser user)
    {
        using var content = new ByteArrayContent(Png());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return await user.Client.PostAsync("/api/v1/attachments", content);
    }

    private static async Task<Guid> UploadedAsync(TestUser user) =>
        (await (await UploadAsync(user)).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private Task<int> StoredCountAsync(TestUser user) => app.WithDbAsync(db => db.Set<Attachment>().CountAsync(a => a.UploaderId == user.Id));

    private int FilesOnDisk() =>
        Directory.Exists(Path.Combine(app.DataDirectory, "attachments"))
            ? Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "attachments"), "*", SearchOption.AllDirectories).Count()
            : 0;

    private async Task RunCleanupAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AttachmentCleanupJob>().RunAsync(new JobRun(Guid.NewGuid(), "attachment-cleanup", null, 1), CancellationToken.None);
    }

    [Fact]
    public async Task A_user_who_filled_their_quota_is_refused_the_next_upload_with_413_saying_used_and_limit_and_nothing_is_stored()
    {
        var ann = await app.CreateUserAsync();
        await UploadedAsync(ann);
        await UploadedAsync(ann);
        var files = FilesOnDisk();

        var refused = await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");

        Assert.Equal(2 * UploadSize, refused.GetProperty("used").GetInt64());
        Assert.Equal(5 * 1024, refused.GetProperty("limit").GetInt64());
        Assert.Contains("used of", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await StoredCountAsync(ann));
        Assert.Equal(files, FilesOnDisk());
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        await UploadedAsync(await app.CreateUserAsync()); // the quota is per user
    }

    [Fact]
    public async Task The_quota_follows_the_tier()
    {
        var premium = await app.CreateUserAsync(tier: "premium");
        for (var i = 0; i < 5; i++)
        {
            await UploadedAsync(premium);
        }

        var refused = await (await UploadAsync(premium)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        Assert.Equal(10240, refused.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task Parallel_uploads_cannot_together_pass_the_quota()
    {
        var ann = await app.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => UploadAsync(ann)));

        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(6, answers.Count(a => a.StatusCode == HttpStatusCode.RequestEntityTooLarge));
        Assert.Equal(2, await StoredCountAsync(ann));
    }

    [Fact]
    public async Task Deleting_a_message_frees_the_quota_its_uploads_took()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        var first = await UploadedAsync(ann);
        var second = await UploadedAsync(ann);
        var message = await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages",
            new { clientMessageId = "both", attachmentIds = new[] { first, second } })).ShouldBeAsync(HttpStatusCode.Created);
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");

        var deleted = await ann.Client.DeleteAsync($"/api/v1/conversations/{conversation}/messages/{message.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await UploadedAsync(ann);
        await UploadedAsync(ann);
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
    }

    [Fact]
    public async Task Deleting_an_unattached_upload_frees_its_quota_at_once_but_an_attached_one_goes_only_with_its_message()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        var attached = await UploadedAsync(ann);
        var spare = await UploadedAsync(ann);
        await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages", new { clientMessageId = "one", attachmentIds = new[] { attached } }))
            .ShouldBeAsync(HttpStatusCode.Created);

        await (await bob.Client.DeleteAsync($"/api/v1/attachments/{spare}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await ann.Client.DeleteAsync($"/api/v1/attachments/{attached}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "attachment_in_use");
        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.DeleteAsync($"/api/v1/attachments/{spare}")).StatusCode);

        await (await ann.Client.GetAsync($"/api/v1/attachments/{spare}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "attachments"), spare.ToString("N"), SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.GetAsync($"/api/v1/attachments/{attached}")).StatusCode);
        await (await ann.Client.DeleteAsync($"/api/v1/attachments/{spare}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await UploadedAsync(ann);
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
    }

    [Fact]
    public async Task An_upload_no_message_took_expires_after_its_allowance_and_frees_the_quota_while_an_attached_one_stays()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        var attached = await UploadedAsync(ann);
        var unattached = await UploadedAsync(ann);
        await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{conversation}/messages", new { clientMessageId = "kept", attachmentIds = new[] { attached } }))
            .ShouldBeAsync(HttpStatusCode.Created);

        app.Clock.Advance(TimeSpan.FromMinutes(9));
        await RunCleanupAsync();
        Assert.Equal(HttpStatusCode.OK, (await ann.Client.GetAsync($"/api/v1/attachments/{unattached}")).StatusCode);
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await RunCleanupAsync();

        await (await ann.Client.GetAsync($"/api/v1/attachments/{unattached}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "attachments"), unattached.ToString("N"), SearchOption.AllDirectories));
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.GetAsync($"/api/v1/attachments/{attached}")).StatusCode);
        await UploadedAsync(ann);
        await (await UploadAsync(ann)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
    }
}
