using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Admin.Settings;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

public sealed class IntegrationSettingsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task A_saved_secret_is_stored_encrypted_and_only_its_last_four_characters_come_back()
    {
        var admin = await app.CreateAdminAsync();
        const string secret = "sk_test_51Habcdefghijklmnopqrstuvwxyz9Zq7";
        var put = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/payments", new { stripeSecretKey = secret, stripePublishableKey = "pk_test_123" });
        var saved = await put.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("••••••••9Zq7", saved.GetProperty("stripeSecretKey").GetString());
        Assert.Equal("pk_test_123", saved.GetProperty("stripePublishableKey").GetString());

        var all = await (await admin.Client.GetAsync("/api/v1/admin/settings/integrations")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("••••••••9Zq7", all.GetProperty("payments").GetProperty("stripeSecretKey").GetString());
        Assert.DoesNotContain(secret, all.GetRawText(), StringComparison.Ordinal);

        var stored = await app.WithDbAsync(db => db.Set<IntegrationSetting>().SingleAsync(s => s.Section == "payments" && s.Field == "stripeSecretKey"));
        Assert.StartsWith("v1:", stored.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("9Zq7", stored.Value, StringComparison.Ordinal);
        Assert.Equal(secret, app.Services.GetRequiredService<IntegrationSettings>().Get("payments", "stripeSecretKey"));
        Assert.DoesNotContain(secret, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_secret_keeps_the_stored_one_and_null_removes_it()
    {
        var admin = await app.CreateAdminAsync();
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/livekit", new { apiSecret = "livekit-secret-0001" })).ShouldBeAsync(HttpStatusCode.OK);
        var kept = await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/livekit", new { apiSecret = "", url = "wss://live.example.com" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("••••••••0001", kept.GetProperty("apiSecret").GetString());
        Assert.Equal("wss://live.example.com", kept.GetProperty("url").GetString());

        var removed = await (await admin.Client.PutAsync("/api/v1/admin/settings/integrations/livekit", JsonContent.Create(new Dictionary<string, string?> { ["apiSecret"] = null }))).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, removed.GetProperty("apiSecret").ValueKind);
    }

    [Fact]
    public async Task Every_change_writes_an_audit_entry_naming_section_and_field_but_not_the_value()
    {
        var admin = await app.CreateAdminAsync();
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/sms", new { twilioAccountSid = "AC" + new string('a', 32), twilioAuthToken = "twilio-token-XYZW" })).ShouldBeAsync(HttpStatusCode.OK);
        var entries = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == "settings.changed" && e.ActorId == admin.Id).ToListAsync());
        Assert.Equal(["sms.twilioAccountSid", "sms.twilioAuthToken"], entries.Select(e => e.TargetId!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(entries, e => Assert.DoesNotContain("XYZW", e.Details, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain("aaaa", e.Details, StringComparison.Ordinal));

        // Saving the same values again changes nothing and logs nothing.
        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/sms", new { twilioAccountSid = "AC" + new string('a', 32), twilioAuthToken = "twilio-token-XYZW" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "settings.changed" && e.ActorId == admin.Id)));
    }

    [Fact]
    public async Task Bad_input_is_a_400_with_the_field_and_nothing_is_saved()
    {
        var admin = await app.CreateAdminAsync();
        var invalid = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/email", new { port = 70000, from = "not an address", host = "smtp.example.com" });
        var problem = await invalid.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("port", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("from", out _));
        Assert.False(await app.WithDbAsync(db => db.Set<IntegrationSetting>().AnyAsync(s => s.Section == "email")));

        var unknown = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/email", new { hots = "smtp.example.com" });
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        var wrongType = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/email", new { port = "twenty five" });
        await wrongType.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var notAnObject = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/email", new[] { 1, 2 });
        await notAnObject.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        var noSection = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/fax", new { number = "1" });
        await noSection.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var badOrigin = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/cors", new { allowedOrigins = new[] { "https://app.example.com/path" } });
        await badOrigin.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var badJson = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/push", new { fcmCredentialsJson = "{not json" });
        await badJson.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Revenue_splits_must_add_up_to_one_hundred_percent_for_each_kind()
    {
        var admin = await app.CreateAdminAsync();
        var defaults = await (await admin.Client.GetAsync("/api/v1/admin/settings/integrations")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(85, defaults.GetProperty("revenueSplits").GetProperty("giftCreator").GetInt32());

        var wrong = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/revenueSplits", new { giftCreator = 90 });
        var problem = await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("105 %", problem.GetProperty("errors").GetProperty("gift")[0].GetString(), StringComparison.Ordinal);

        var right = await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/revenueSplits", new { giftCreator = 90, giftPlatform = 5 });
        var saved = await right.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(90, saved.GetProperty("giftCreator").GetInt32());
        Assert.Equal(90, app.Services.GetRequiredService<IntegrationSettings>().GetInt("revenueSplits", "giftCreator"));
    }

    [Fact]
    public async Task Cors_origins_saved_in_the_settings_apply_to_the_next_preflight_without_a_restart()
    {
        var admin = await app.CreateAdminAsync();
        var origin = $"https://app{Guid.NewGuid().ToString("N")[..6]}.example.com";
        Assert.False((await Preflight(origin)).Headers.Contains("Access-Control-Allow-Origin"));

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/cors", new { allowedOrigins = new[] { origin, "https://other.example.com" } })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(origin, (await Preflight(origin)).Headers.GetValues("Access-Control-Allow-Origin").Single());

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/cors", new { allowedOrigins = new[] { "https://other.example.com" } })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.False((await Preflight(origin)).Headers.Contains("Access-Control-Allow-Origin"));

        async Task<HttpResponseMessage> Preflight(string from)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/me");
            request.Headers.Add("Origin", from);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            return await app.CreateClient().SendAsync(request);
        }
    }

    [Fact]
    public async Task Only_admins_may_read_or_change_settings_through_the_api()
    {
        var user = await app.CreateUserAsync();
        var moderator = await app.CreateUserAsync(roles: "moderator");
        await (await app.CreateClient().GetAsync("/api/v1/admin/settings/integrations")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await user.Client.GetAsync("/api/v1/admin/settings/integrations")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await moderator.Client.GetAsync("/api/v1/admin/settings/integrations")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/cors", new { allowedOrigins = new[] { "https://evil.example" } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_settings_page_saves_a_secret_shows_it_masked_and_never_sends_it_back()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        const string secret = "whsec_pageSecretValue42";
        var response = await console.SubmitAsync("/admin/settings", "form[data-testid=settings-payments]", new() { ["Values[stripeWebhookSecret]"] = secret });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var html = await (await console.Http.GetAsync("/admin/settings")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        var page = ConsoleClient.Parse(html);
        Assert.Equal("••••••••ue42", page.QuerySelector("[data-testid=masked-payments-stripeWebhookSecret]")!.TextContent);
        Assert.Contains("Stripe webhook signing secret", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(string.Empty, page.QuerySelector("#payments-stripeWebhookSecret")!.GetAttribute("value") ?? string.Empty);
        Assert.DoesNotContain(secret, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_save_on_the_page_names_the_field_and_keeps_what_was_typed()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        var response = await console.SubmitAsync("/admin/settings", "form[data-testid=settings-storage]", new()
        {
            ["Values[endpoint]"] = "https://s3.example.com",
            ["Values[bucket]"] = "Not A Bucket",
            ["Values[secretKey]"] = "s3-secret-value",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3-secret-value", html, StringComparison.Ordinal);
        var page = ConsoleClient.Parse(html);
        Assert.Contains("Object storage was not saved", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.QuerySelector("#storage-bucket")!.GetAttribute("aria-invalid"));
        Assert.Equal("Not A Bucket", page.QuerySelector("#storage-bucket")!.GetAttribute("value"));
        Assert.Equal("https://s3.example.com", page.QuerySelector("#storage-endpoint")!.GetAttribute("value"));
        Assert.False(await app.WithDbAsync(db => db.Set<IntegrationSetting>().AnyAsync(s => s.Section == "storage")));
    }
}

/// <summary>Rate-limit tiers saved in the console apply to the next request; a fixture of its own, since it limits everyone on it.</summary>
public sealed class RateLimitSettingsTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task A_tier_limit_saved_in_the_settings_applies_without_a_restart()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync(tier: "premium");
        var before = await user.Client.GetAsync("/api/v1/me");
        Assert.Equal("1000000", before.Headers.GetValues("X-RateLimit-Limit").Single());

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/rateLimits", new { premium = 3 })).ShouldBeAsync(HttpStatusCode.OK);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await user.Client.GetAsync("/api/v1/me");
        }

        await last.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("3", last.Headers.GetValues("X-RateLimit-Limit").Single());
        // Admins stay unlimited whatever the tiers say.
        Assert.False((await admin.Client.GetAsync("/api/v1/me")).Headers.Contains("X-RateLimit-Limit"));
    }
}

public sealed class AdminOpenApiTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task The_openapi_document_describes_the_admin_endpoints_and_none_of_the_console_pages()
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).ShouldBeAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/admin/stats", paths);
        Assert.Contains("/api/v1/admin/settings/integrations", paths);
        Assert.Contains("/api/v1/admin/settings/integrations/{section}", paths);
        Assert.Contains("/api/v1/admin/audit", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin", StringComparison.Ordinal));
    }
}
