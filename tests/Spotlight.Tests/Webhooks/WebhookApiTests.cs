using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Webhooks;
using static Spotlight.Tests.Webhooks.WebhookCalls;

namespace Spotlight.Tests.Webhooks;

/// <summary>
/// The admin webhooks API (API.md, Webhooks for integrators): admins only; the secret is shown once, stored encrypted,
/// never listed or logged; the request is checked field by field; a delivery is reached only through its own endpoint.
/// </summary>
public sealed class WebhookApiTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task Registering_answers_201_with_a_whsec_secret_shown_once_and_stored_encrypted()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();

        var response = await admin.Client.PostAsJsonAsync(Api, new { url, events = new[] { "gift.sent", "post.created" } });

        var created = await response.ShouldBeAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"{Api}/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal(url, created.GetProperty("url").GetString());
        Assert.Equal(new[] { "gift.sent", "post.created" }, created.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret["whsec_".Length..]).Length, 24, 32);

        var list = await (await admin.Client.GetAsync(Api)).ShouldBeAsync(HttpStatusCode.OK);
        var listed = list.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetGuid() == id);
        Assert.True(listed.GetProperty("enabled").GetBoolean());
        Assert.False(listed.TryGetProperty("secret", out _));
        var one = await (await admin.Client.GetAsync($"{Api}/{id}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False(one.TryGetProperty("secret", out _));
        var key = secret["whsec_".Length..];
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, one.GetRawText(), StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.Set<WebhookEndpoint>().Where(e => e.Id == id).Select(e => e.Secret).SingleAsync());
        Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);

        var rotated = await (await admin.Client.PostAsync($"{Api}/{id}/secret/rotate", null)).ShouldBeAsync(HttpStatusCode.OK);
        var delivery = await SendTestAsync(admin, id);
        await WaitForDeliveryAsync(admin, id, delivery, r => r.Status() == "succeeded");
        var newKey = rotated.GetProperty("secret").GetString()!["whsec_".Length..];
        Assert.DoesNotContain(key, app.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(newKey, app.Logs.AllText, StringComparison.Ordinal);
        var audit = await app.WithDbAsync(db => db.Set<Spotlight.Platform.Audit.AuditEntry>().Where(a => a.TargetId == id.ToString()).Select(a => a.Action + " " + a.Details).ToListAsync());
        Assert.Contains(audit, a => a.StartsWith("webhook.created", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.StartsWith("webhook.secret_rotated", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, a => a.Contains(key, StringComparison.Ordinal) || a.Contains(newKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_is_refused_field_by_field_and_unknown_event_types_are_refused()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl();

        var noUrl = await (await admin.Client.PostAsJsonAsync(Api, new { events = new[] { "gift.sent" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(noUrl.GetProperty("errors").TryGetProperty("url", out _));
        var unknown = await (await admin.Client.PostAsJsonAsync(Api, new { url, events = new[] { "gift.sent", "wallet.drained" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("wallet.drained", unknown.GetProperty("errors").GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        var none = await (await admin.Client.PostAsJsonAsync(Api, new { url, events = Array.Empty<string>() })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(none.GetProperty("errors").TryGetProperty("events", out _));
        var ftp = await (await admin.Client.PostAsJsonAsync(Api, new { url = "ftp://example.com/x", events = new[] { "gift.sent" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(ftp.GetProperty("errors").TryGetProperty("url", out _));
        await (await admin.Client.PostAsJsonAsync(Api, new { url = "https://user:pw@example.com/x", events = new[] { "gift.sent" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.PostAsJsonAsync(Api, new { url, events = new[] { "gift.sent" }, secret = "mine" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");

        var (id, _) = await RegisterAsync(admin, url);
        var patched = await (await admin.Client.PatchAsJsonAsync($"{Api}/{id}", new { events = new[] { "nope" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(patched.GetProperty("errors").TryGetProperty("events", out _));
        Assert.All(WebhookEventTypes.All, type => Assert.Matches("^[a-z]+\\.[a-z]+$", type));
    }

    [Fact]
    public async Task Only_admins_manage_webhooks()
    {
        var admin = await app.CreateAdminAsync();
        var (id, _) = await RegisterAsync(admin, app.Receiver.NewUrl());
        var user = await app.CreateUserAsync();
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var anonymous = app.CreateClient();

        foreach (var client in new[] { user.Client, moderator.Client })
        {
            await (await client.PostAsJsonAsync(Api, new { url = app.Receiver.NewUrl(), events = new[] { "gift.sent" } })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Api)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"{Api}/{id}/deliveries")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"{Api}/{id}/test", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"{Api}/{id}/secret/rotate", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"{Api}/{id}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Api)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"{Api}/{id}/secret/rotate", null)).StatusCode);
        await (await admin.Client.GetAsync($"{Api}/{id}")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_endpoint_is_changed_and_deleted_and_then_is_not_found()
    {
        var admin = await app.CreateAdminAsync();
        var (id, _) = await RegisterAsync(admin, app.Receiver.NewUrl(), "gift.sent");
        var url = app.Receiver.NewUrl();

        var patched = await (await admin.Client.PatchAsJsonAsync($"{Api}/{id}", new { url, events = new[] { "live.started", "pk.ended" }, enabled = false }))
            .ShouldBeAsync(HttpStatusCode.OK);

        Assert.Equal(url, patched.GetProperty("url").GetString());
        Assert.Equal(new[] { "live.started", "pk.ended" }, patched.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(patched.GetProperty("enabled").GetBoolean());
        await (await admin.Client.DeleteAsync($"{Api}/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await admin.Client.GetAsync($"{Api}/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.PatchAsJsonAsync($"{Api}/{id}", new { enabled = true })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.DeleteAsync($"{Api}/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.GetAsync($"{Api}/{id}/deliveries")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.PostAsync($"{Api}/{id}/test", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.PostAsync($"{Api}/{id}/secret/rotate", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_delivery_of_another_endpoint_cannot_be_retried_through_this_one()
    {
        var admin = await app.CreateAdminAsync();
        var (mine, _) = await RegisterAsync(admin, app.Receiver.NewUrl());
        var (other, _) = await RegisterAsync(admin, app.Receiver.NewUrl());
        var theirs = await SendTestAsync(admin, other);

        await (await admin.Client.PostAsync($"{Api}/{mine}/deliveries/{theirs}/retry", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.PostAsync($"{Api}/{mine}/deliveries/{Guid.CreateVersion7()}/retry", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        var mineList = await (await admin.Client.GetAsync($"{Api}/{mine}/deliveries")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Empty(mineList.GetProperty("items").EnumerateArray());
        await (await admin.Client.PostAsync($"{Api}/{other}/deliveries/{theirs}/retry", null)).ShouldBeAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task The_console_lists_endpoints_with_their_deliveries_and_retries_one_for_an_admin_only()
    {
        var admin = await app.CreateAdminAsync();
        var url = app.Receiver.NewUrl(new Answer(500));
        var (endpoint, _) = await RegisterAsync(admin, url);
        var delivery = await SendTestAsync(admin, endpoint);
        await WaitForDeliveryAsync(admin, endpoint, delivery, r => Attempted(r, 1));
        var console = await ConsoleClient.SignInAsync(app, admin);

        var page = await console.GetPageAsync("/admin/webhooks");

        var card = page.QuerySelector($"[data-endpoint='{endpoint}']")!;
        Assert.Equal(url, card.QuerySelector("[data-testid=endpoint-url]")!.TextContent);
        var row = card.QuerySelector($"[data-delivery='{delivery}']")!;
        Assert.Equal("pending", row.QuerySelector("[data-testid=delivery-status]")!.TextContent);
        Assert.Equal("1", row.QuerySelector("[data-testid=delivery-attempts]")!.TextContent);
        Assert.Equal("500", row.QuerySelector("[data-testid=delivery-code]")!.TextContent);
        Assert.EndsWith(" ms", row.QuerySelector("[data-testid=delivery-latency]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("nav a[href='/admin/webhooks'][aria-current=page]"));

        var retried = await console.SubmitFormAsync(page, $"[data-delivery='{delivery}'] form", []);
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal("succeeded", (await WaitForDeliveryAsync(admin, endpoint, delivery, r => r.Status() == "succeeded")).Status());

        var moderator = await ConsoleClient.SignInAsync(app, await app.CreateUserAsync(roles: "moderator"));
        var denied = await moderator.Http.GetAsync("/admin/webhooks");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/admin/denied", denied.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Null((await moderator.GetPageAsync("/admin")).QuerySelector("nav a[href='/admin/webhooks']"));
        var forged = await moderator.Http.PostAsync($"/admin/webhooks?handler=Retry&endpoint={endpoint}&delivery={delivery}", new FormUrlEncodedContent([]));
        Assert.NotEqual(HttpStatusCode.OK, forged.StatusCode);
    }
}
