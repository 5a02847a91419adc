using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Messaging;

/// <summary>Uploads: size and type limits by content, attachment to one's own messages, and who may download.</summary>
public sealed class AttachmentsTests(AttachmentsTests.App app) : IClassFixture<AttachmentsTests.App>
{
    public sealed class App : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Messaging:MaxAttachmentBytes"] = "2048" };
    }

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];

    private static async Task<HttpResponseMessage> UploadAsync(TestUser user, byte[] bytes, string contentType)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await user.Client.PostAsync("/api/v1/attachments", content);
    }

    [Fact]
    public async Task An_image_is_stored_with_the_type_its_bytes_show_and_members_can_download_it()
    {
        var (ann, bob, eve) = (await app.CreateUserAsync(), await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        var upload = await (await UploadAsync(ann, Png, "application/octet-stream")).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("image/png", upload.GetProperty("contentType").GetString());
        Assert.Equal(Png.Length, upload.GetProperty("size").GetInt64());
        var attachmentId = upload.GetProperty("id").GetGuid();

        await (await eve.Client.GetAsync($"/api/v1/attachments/{attachmentId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await bob.Client.GetAsync($"/api/v1/attachments/{attachmentId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var posted = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { clientMessageId = "pic", attachmentIds = new[] { attachmentId } });
        var message = await posted.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(attachmentId, message.GetProperty("attachments")[0].GetProperty("id").GetGuid());

        var download = await bob.Client.GetAsync($"/api/v1/attachments/{attachmentId}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        await (await eve.Client.GetAsync($"/api/v1/attachments/{attachmentId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Content_that_is_not_an_accepted_type_is_refused_whatever_it_claims()
    {
        var ann = await app.CreateUserAsync();
        var script = "<script>alert(1)</script>"u8.ToArray();

        await (await UploadAsync(ann, script, "image/png")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_attachment_type");
        await (await UploadAsync(ann, [], "image/png")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await UploadAsync(ann, [.. Png, .. new byte[3000]], "image/png")).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task A_message_carries_only_the_senders_own_unused_uploads()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        var bobs = (await (await UploadAsync(bob, Png, "image/png")).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var anns = (await (await UploadAsync(ann, Png, "image/png")).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var stolen = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { clientMessageId = "s", attachmentIds = new[] { bobs } });
        await stolen.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { clientMessageId = "a", attachmentIds = new[] { anns } }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var reused = await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { clientMessageId = "b", attachmentIds = new[] { anns } });
        await reused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Single(await Chat.HistoryAsync(bob, id));
    }

    [Fact]
    public async Task Deleting_a_message_deletes_its_uploads()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var id = await Chat.DirectAsync(ann, bob);
        var attachmentId = (await (await UploadAsync(ann, Png, "image/png")).ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var message = await (await ann.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { clientMessageId = "d", attachmentIds = new[] { attachmentId } }))
            .ShouldBeAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.DeleteAsync($"/api/v1/conversations/{id}/messages/{message.GetProperty("id").GetGuid()}")).StatusCode);

        await (await ann.Client.GetAsync($"/api/v1/attachments/{attachmentId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await bob.Client.GetAsync($"/api/v1/attachments/{attachmentId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "attachments"), attachmentId.ToString("N"), SearchOption.AllDirectories));
    }
}
