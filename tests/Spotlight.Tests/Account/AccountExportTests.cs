using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Content.Media;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Account;

/// <summary>API.md, Account: <c>POST /me/export</c>, <c>GET /me/exports/{id}</c> and its signed, one-time download.</summary>
public sealed class AccountExportTests(AccountApp app) : IClassFixture<AccountApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    private static async Task<Guid> RequestAsync(TestUser user)
    {
        var response = await user.Client.PostAsync("/api/v1/me/export", null);
        var body = await response.ShouldBeAsync(HttpStatusCode.Accepted);
        Assert.Equal("pending", body.GetProperty("status").GetString());
        return body.GetProperty("id").GetGuid();
    }

    private static async Task<string> ReadyUrlAsync(TestUser user, Guid exportId)
    {
        var export = await AccountApp.ExportReadyAsync(user, exportId);
        Assert.Equal("ready", export.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, export.GetProperty("expiresAt").ValueKind);
        return export.GetProperty("downloadUrl").GetString()!;
    }

    [Fact]
    public async Task The_archive_holds_a_json_file_per_kind_the_media_and_a_readme_and_downloads_once()
    {
        var user = await app.CreateUserAsync();
        var friend = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "me.jpg", "image/jpeg");
        var mediaId = media.GetProperty("id").GetString()!;
        await user.Client.WaitProcessedAsync(mediaId);
        await (await user.Client.PostAsJsonAsync("/api/v1/posts", new { text = "with a photo", mediaIds = new[] { mediaId }, visibility = "public" }))
            .ShouldBeAsync(HttpStatusCode.Created);
        await PostsApp.FollowAsync(user, friend);
        await Chat.PostAsync(user, await Chat.DirectAsync(user, friend), "exported words");

        var url = await ReadyUrlAsync(user, await RequestAsync(user));
        var download = await Anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        using (var zip = new ZipArchive(new MemoryStream(await download.Content.ReadAsByteArrayAsync())))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var kind in new[] { "profile", "sessions", "follows", "blocks", "posts", "comments", "likes", "messages", "transactions", "subscriptions", "payouts", "notifications", "reports" })
            {
                Assert.Contains(kind + ".json", names);
            }

            Assert.Contains("README.txt", names);
            Assert.Contains(names, n => n.StartsWith("media/", StringComparison.Ordinal) && n.Contains(Guid.Parse(mediaId).ToString("N"), StringComparison.Ordinal));
            var profile = Read(zip, "profile.json");
            Assert.Equal(user.Email, profile.GetProperty("email").GetString());
            Assert.Equal(user.Handle, profile.GetProperty("handle").GetString());
            Assert.Contains("exported words", Read(zip, "messages.json").GetRawText(), StringComparison.Ordinal);
            Assert.Equal(friend.Id, Read(zip, "follows.json").GetProperty("following")[0].GetProperty("userId").GetGuid());
            var post = Read(zip, "posts.json")[0];
            Assert.Equal("with a photo", post.GetProperty("text").GetString());
            Assert.StartsWith("media/", post.GetProperty("media")[0].GetProperty("file").GetString(), StringComparison.Ordinal);
        }

        await (await Anonymous.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.Gone, "export_gone");
        var after = await (await user.Client.GetAsync($"/api/v1/me/exports/{ExportId(url)}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("downloaded", after.GetProperty("status").GetString());
        Assert.False(after.TryGetProperty("downloadUrl", out var link) && link.ValueKind == JsonValueKind.String);
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "exports"), ExportId(url).ToString("N") + "*"));
    }

    [Fact]
    public async Task One_export_a_day_and_another_users_export_is_404()
    {
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var id = await RequestAsync(user);

        await (await user.Client.PostAsync("/api/v1/me/export", null)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        await (await other.Client.GetAsync($"/api/v1/me/exports/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Client.GetAsync($"/api/v1/me/exports/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.PostAsync("/api/v1/me/export", null)).StatusCode);
    }

    [Fact]
    public async Task A_tampered_link_is_refused_and_the_archive_stays_for_the_real_one()
    {
        var user = await app.CreateUserAsync();
        var id = await RequestAsync(user);
        var url = await ReadyUrlAsync(user, id);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + url).Query);
        var expires = long.Parse(query["expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        var signature = query["signature"]!;

        await (await Anonymous.GetAsync($"/api/v1/me/exports/{id}/download?expires={expires + 3600}&signature={signature}"))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "export_link_invalid");
        await (await Anonymous.GetAsync($"/api/v1/me/exports/{id}/download?expires={expires}&signature={(signature[0] == 'A' ? 'B' : 'A')}{signature[1..]}"))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "export_link_invalid");
        await (await Anonymous.GetAsync($"/api/v1/me/exports/{id}/download")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "export_link_invalid");
        var otherId = await RequestAsync(await app.CreateUserAsync());
        await (await Anonymous.GetAsync($"/api/v1/me/exports/{otherId}/download?expires={expires}&signature={signature}"))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "export_link_invalid");

        Assert.Equal(HttpStatusCode.OK, (await Anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task An_admin_makes_an_export_for_a_user_audited_and_its_link_expires()
    {
        var admin = await app.AdminAsync();
        var user = await app.CreateUserAsync();
        await (await admin.Client.PostAsync($"/api/v1/admin/users/{Guid.NewGuid()}/export", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var made = await (await admin.Client.PostAsync($"/api/v1/admin/users/{user.Id}/export", null)).ShouldBeAsync(HttpStatusCode.Accepted);
        var id = made.GetProperty("id").GetGuid();
        var url = await ReadyUrlAsync(user, id);
        Assert.Equal(admin.Id, await app.WithDbAsync(db => db.Set<AuditEntry>()
            .Where(a => a.Action == "admin.account_export_requested" && a.TargetId == user.Id.ToString()).Select(a => a.ActorId).SingleAsync()));
        // An admin's export is not the user's daily one.
        await RequestAsync(user);
        // The archive is there until the sweep (checked now: once the clock moves 49 h, the hourly sweep may run at any moment).
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(app.DataDirectory, "exports"), id.ToString("N") + ".zip"));

        app.Clock.Advance(TimeSpan.FromHours(49));
        await (await Anonymous.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.Gone, "export_link_expired");
        var fresh = await app.SignInAsync(user);
        Assert.Equal("expired", (await (await fresh.Client.GetAsync($"/api/v1/me/exports/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("status").GetString());

        // The hourly sweep removes the archive nobody downloaded (run here, in case the recurring one has not yet).
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var sweep = scope.ServiceProvider.GetServices<Spotlight.Platform.Jobs.IJobHandler>().Single(j => j.Type == "account-export-sweep");
            await sweep.RunAsync(new Spotlight.Platform.Jobs.JobRun(Guid.NewGuid(), sweep.Type, null, 1), CancellationToken.None);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "exports"), id.ToString("N") + "*"));
        Assert.Equal("expired", (await (await fresh.Client.GetAsync($"/api/v1/me/exports/{id}")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    private static Guid ExportId(string url) => Guid.Parse(url.Split('/')[5]);

    private static JsonElement Read(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        return JsonDocument.Parse(stream).RootElement.Clone();
    }
}
