using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

public sealed class AccountTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    private Task<HttpResponseMessage> RegisterAsync(string? email = null, string password = "a perfectly fine passphrase", string? handle = null) =>
        Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = email ?? $"{app.UniqueHandle()}@example.com", password, handle = handle ?? app.UniqueHandle() });

    [Fact]
    public async Task Registration_answers_201_with_tokens_and_the_account()
    {
        var handle = app.UniqueHandle();
        var response = await RegisterAsync(handle: handle, email: $"{handle}@Example.COM");
        var body = await response.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        var user = body.GetProperty("user");
        Assert.Equal(handle, user.GetProperty("handle").GetString());
        Assert.Equal(["user"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("free", user.GetProperty("tier").GetString());
        Assert.False(user.GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task Emails_are_unique_whatever_their_case_and_handles_too()
    {
        var handle = app.UniqueHandle();
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(email: $"{handle}@example.com", handle: handle)).StatusCode);
        await (await RegisterAsync(email: $"{handle.ToUpperInvariant()}@EXAMPLE.com")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "email_taken");
        await (await RegisterAsync(handle: handle.ToUpperInvariant())).ShouldBeProblemAsync(HttpStatusCode.Conflict, "handle_taken");
    }

    [Fact]
    public async Task Two_registrations_racing_for_one_email_make_one_account()
    {
        var email = $"{app.UniqueHandle("race")}@example.com";
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RegisterAsync(email: email)));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == email.ToUpperInvariant())));
    }

    [Theory]
    [InlineData("ab", "handle")]
    [InlineData("has-dash", "handle")]
    [InlineData("admin", "handle")]
    [InlineData("support", "handle")]
    public async Task Bad_or_reserved_handles_are_refused_with_field_errors(string handle, string field)
    {
        var problem = await (await RegisterAsync(handle: handle)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Short_common_and_handle_containing_passwords_are_refused_with_field_errors()
    {
        foreach (var (password, handle) in new[] { ("short1", app.UniqueHandle()), ("1234567890", app.UniqueHandle()), ("qwertyuiop", app.UniqueHandle()), ("my-zebra_handle-rocks", "zebra_handle") })
        {
            var problem = await (await RegisterAsync(password: password, handle: handle)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("password", out var messages), password);
            Assert.NotEmpty(messages.EnumerateArray());
        }
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_while_locked_the_right_one_gets_the_same_answer()
    {
        var user = await app.CreateUserAsync();
        var client = Anonymous;
        string? wrongBody = null;
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password!" });
            var problem = await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
            wrongBody = problem.GetProperty("detail").GetString();
        }

        var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var lockedProblem = await locked.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongBody, lockedProblem.GetProperty("detail").GetString());
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "auth.locked_out" && e.TargetId == user.Id.ToString())));

        app.Clock.Advance(TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(5)));
        var afterWindow = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
    }

    [Fact]
    public async Task A_correct_password_resets_the_count_of_failures()
    {
        var user = await app.CreateUserAsync();
        var client = Anonymous;
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password!" });
            }

            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        }
    }

    [Fact]
    public async Task Unknown_and_known_emails_get_identical_answers_from_login_and_forgot_password()
    {
        var user = await app.CreateUserAsync();
        var client = Anonymous;
        var known = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong password!" });
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "wrong password!" });
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(Strip(await known.Content.ReadAsStringAsync()), Strip(await unknown.Content.ReadAsStringAsync()));

        var forgotKnown = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = user.Email });
        var forgotUnknown = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = $"nobody-{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Accepted, forgotKnown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forgotUnknown.StatusCode);
        Assert.Equal(await forgotKnown.Content.ReadAsStringAsync(), await forgotUnknown.Content.ReadAsStringAsync());

        static string Strip(string problem)
        {
            var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(problem)!;
            json.Remove("requestId");
            return JsonSerializer.Serialize(json);
        }
    }

    [Fact]
    public async Task Mass_assignment_is_refused_and_changes_nothing()
    {
        var user = await app.CreateUserAsync();
        foreach (var field in new[] { "role", "roles", "tier", "emailVerified", "id", "email" })
        {
            var response = await user.Client.PatchAsJsonAsync("/api/v1/me", new Dictionary<string, object> { ["displayName"] = "Changed", [field] = field == "emailVerified" ? true : "admin" });
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        }

        var me = await (await user.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, me.GetProperty("displayName").ValueKind);
        Assert.Equal("free", me.GetProperty("tier").GetString());
        Assert.Equal(["user"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.False(me.GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task The_profile_takes_display_name_bio_and_an_https_avatar_url_only()
    {
        var user = await app.CreateUserAsync();
        var ok = await user.Client.PatchAsJsonAsync("/api/v1/me", new { displayName = "Ada", bio = "Counting things", avatarUrl = "https://cdn.example.com/a.png" });
        var me = await ok.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Ada", me.GetProperty("displayName").GetString());
        Assert.Equal("https://cdn.example.com/a.png", me.GetProperty("avatarUrl").GetString());

        foreach (var url in new[] { "http://cdn.example.com/a.png", "javascript:alert(1)", "file:///etc/passwd", "https://" + new string('a', 2048) + ".com/" })
        {
            var problem = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = url })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("avatarUrl", out _));
        }

        var cleared = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { bio = "" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("bio").ValueKind);
        Assert.Equal("Ada", cleared.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task No_response_ever_contains_a_password_hash_a_security_stamp_or_another_users_email()
    {
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        var admin = await app.CreateAdminAsync();
        var (hash, stamp) = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => new { u.PasswordHash, u.SecurityStamp }).SingleAsync()).ContinueWith(t => (t.Result.PasswordHash!, t.Result.SecurityStamp!));
        var bodies = new List<string>
        {
            await (await user.Client.GetAsync("/api/v1/me")).Content.ReadAsStringAsync(),
            await (await other.Client.GetAsync($"/api/v1/users/{user.Handle}")).Content.ReadAsStringAsync(),
            await (await other.Client.GetAsync($"/api/v1/users/{user.Id}/followers")).Content.ReadAsStringAsync(),
            await (await user.Client.GetAsync("/api/v1/auth/sessions")).Content.ReadAsStringAsync(),
            await (await admin.Client.GetAsync($"/api/v1/admin/users/{user.Id}")).Content.ReadAsStringAsync(),
            await (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).Content.ReadAsStringAsync(),
        };
        foreach (var body in bodies)
        {
            Assert.DoesNotContain(hash, body, StringComparison.Ordinal);
            Assert.DoesNotContain(stamp, body, StringComparison.Ordinal);
            Assert.DoesNotContain("passwordHash", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("securityStamp", body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(user.Email, bodies[1], StringComparison.OrdinalIgnoreCase); // another user's view of the profile
    }
}
