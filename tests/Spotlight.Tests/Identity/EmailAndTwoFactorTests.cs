using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

public sealed class EmailAndTwoFactorTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    [Fact]
    public async Task The_verification_email_link_verifies_the_address_once()
    {
        var user = await app.CreateUserAsync();
        var mail = await Mailbox.WaitForAsync(app, user.Email, "Confirm your email address");
        var token = Mailbox.TokenFrom(mail);
        Assert.Equal(HttpStatusCode.NoContent, (await Anonymous.PostAsJsonAsync("/api/v1/auth/email/verify", new { token })).StatusCode);
        var me = await (await user.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/email/verify", new { token })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task The_development_mail_log_line_names_the_file_but_never_the_token()
    {
        var user = await app.CreateUserAsync();
        var token = Mailbox.TokenFrom(await Mailbox.WaitForAsync(app, user.Email, "Confirm your email address"));
        Assert.Contains(app.Logs.Lines, l => l.Text.Contains("Email written to", StringComparison.Ordinal));
        Assert.DoesNotContain(token, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_reset_sets_a_new_password_ends_every_session_and_the_link_works_once()
    {
        var user = await app.CreateUserAsync();
        var otherDevice = (await (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Equal(HttpStatusCode.Accepted, (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = user.Email.ToUpperInvariant() })).StatusCode);
        var token = Mailbox.TokenFrom(await Mailbox.WaitForAsync(app, user.Email, "Reset your password"));

        const string newPassword = "a brand new passphrase 77";
        Assert.Equal(HttpStatusCode.NoContent, (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = otherDevice.RefreshToken })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = newPassword })).StatusCode);
        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "yet another passphrase 88" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "auth.password_reset" && e.TargetId == user.Id.ToString())));
    }

    [Fact]
    public async Task A_reset_link_expires_after_an_hour_and_a_weak_new_password_does_not_spend_it()
    {
        var user = await app.CreateUserAsync();
        await Anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = user.Email });
        var token = Mailbox.TokenFrom(await Mailbox.WaitForAsync(app, user.Email, "Reset your password"));
        var weak = await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "1234567890" });
        await weak.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        app.Clock.Advance(TimeSpan.FromMinutes(61));
        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "a valid but late passphrase" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one()
    {
        var user = await app.CreateUserAsync();
        var wrong = await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = "not it at all", newPassword = "a fresh passphrase 99" });
        await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "a fresh passphrase 99" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "a fresh passphrase 99" })).StatusCode);
    }

    [Fact]
    public async Task Two_factor_enrolment_then_login_needs_a_code_and_recovery_codes_work_once()
    {
        var user = await app.CreateUserAsync();
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        Assert.StartsWith("otpauth://totp/", setup.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        var recovery = setup.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Count);

        await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = "000000" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = TwoFactorSteps.Code(app, secret) })).StatusCode);
        TwoFactorSteps.NextStep(app);

        // The secret is kept encrypted, never as the base32 an authenticator shows.
        var stored = await app.WithDbAsync(db => db.Set<Microsoft.AspNetCore.Identity.IdentityUserToken<Guid>>().Where(t => t.UserId == user.Id).Select(t => t.Value).ToListAsync());
        Assert.DoesNotContain(stored, v => v != null && v.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(stored, v => v != null && recovery.Any(code => v.Contains(code, StringComparison.Ordinal)));

        var client = Anonymous;
        await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "totp_required");
        await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = "123456" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = TwoFactorSteps.Code(app, secret) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = recovery[0] })).StatusCode);
        await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = recovery[0] })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");

        var me = await (await user.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.True(me.GetProperty("twoFactorEnabled").GetBoolean());
        TwoFactorSteps.NextStep(app);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = TwoFactorSteps.Code(app, secret) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
    }
}
