using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>Addresses are plain and unique up to look-alikes; avatars point at public https hosts.</summary>
public sealed class EmailAndProfileRulesTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    private Task<HttpResponseMessage> RegisterAsync(string email) =>
        Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "lantern orchard violet 51", handle = app.UniqueHandle() });

    [Theory]
    [InlineData("\"<svg/onload=alert(3)>\"@x.org")]
    [InlineData("<bob@x.org>")]
    [InlineData("\"bob\"@x.org")]
    [InlineData("bo\u0000b@x.org")]
    [InlineData("bo\u200Bb@x.org")]
    [InlineData("bo\u202Eb@x.org")]
    [InlineData("bob(comment)@x.org")]
    [InlineData("bo b@x.org")]
    public async Task Addresses_with_quotes_brackets_or_control_characters_are_refused(string email)
    {
        var problem = await (await RegisterAsync(email)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Theory]
    [InlineData("bıb", "bib")]       // dotless i
    [InlineData("bİb", "bib")]       // dotted capital I
    [InlineData("bøb", "bob")]
    [InlineData("bØb", "bob")]
    [InlineData("bоb", "bob")]       // Cyrillic o
    [InlineData("ｂｏｂ", "bob")]      // full-width
    [InlineData("böb", "bob")]       // an accent
    [InlineData("BOB", "bob")]
    public async Task A_look_alike_of_a_registered_address_is_taken(string lookAlike, string original)
    {
        var domain = $"{Guid.NewGuid():N}.org";
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync($"{original}@{domain}")).StatusCode);
        await (await RegisterAsync($"{lookAlike}@{domain}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task A_look_alike_registered_first_takes_the_plain_address_too()
    {
        var domain = $"{Guid.NewGuid():N}.org";
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync($"bıb@{domain}")).StatusCode);
        await (await RegisterAsync($"bib@{domain}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task A_look_alike_address_keeps_its_folded_key_through_two_factor_enrolment_and_still_signs_in()
    {
        var domain = $"{Guid.NewGuid():N}.org";
        var email = $"bıb@{domain}";
        var password = "lantern orchard violet 51";
        var tokens = await (await Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email, password, handle = app.UniqueHandle() }))
            .ShouldBeAsync(HttpStatusCode.Created);
        var client = app.Authorized(tokens.GetProperty("accessToken").GetString()!);
        var secret = (await (await client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret, app.Clock.GetUtcNow()) })).StatusCode);

        // UserManager wrote the user back: the key must still be the folded one.
        await (await RegisterAsync($"bib@{domain}")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "email_taken");
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var login = await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, totpCode = Totp.Code(secret, app.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task A_full_width_address_is_stored_in_its_plain_form()
    {
        var domain = $"{Guid.NewGuid():N}.org";
        var body = await (await RegisterAsync($"ａｄａ@{domain}")).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal($"ada@{domain}", body.GetProperty("user").GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("http://cdn.example.com/a.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("https://localhost/a.png")]
    [InlineData("https://media.localhost/a.png")]
    [InlineData("https://127.0.0.1/a.png")]
    [InlineData("https://2130706433/a.png")]
    [InlineData("https://10.1.2.3/a.png")]
    [InlineData("https://172.16.0.1/a.png")]
    [InlineData("https://192.168.1.1/a.png")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://0.0.0.0/a.png")]
    [InlineData("https://[::1]/a.png")]
    [InlineData("https://[fe80::1]/a.png")]
    [InlineData("https://[fd00::1]/a.png")]
    [InlineData("https://[::ffff:127.0.0.1]/a.png")]
    [InlineData("https://intranet/a.png")]
    public async Task An_avatar_url_must_be_https_to_a_public_host(string url)
    {
        var user = await app.CreateUserAsync();
        var problem = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = url })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("avatarUrl", out _));
    }

    [Theory]
    [InlineData("https://cdn.example.com/a.png")]
    [InlineData("https://93.184.215.14/a.png")]
    public async Task An_avatar_url_on_a_public_host_is_kept(string url)
    {
        var user = await app.CreateUserAsync();
        var me = await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { avatarUrl = url })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(url, me.GetProperty("avatarUrl").GetString());
    }
}
