using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Passkeys;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>What a page's script does for a passkey form, done by hand: ask the page for options, answer them, submit the form.</summary>
internal static class ConsolePasskeys
{
    /// <summary>Posts the form's antiforgery token to its data-begin handler and returns the ceremony the page started.</summary>
    public static async Task<(string CeremonyId, JsonElement Options)> BeginAsync(ConsoleClient client, IHtmlDocument page, string formSelector, string pagePath)
    {
        var form = page.QuerySelector(formSelector) ?? throw new InvalidOperationException($"No form '{formSelector}'.");
        var token = form.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var fields = new List<KeyValuePair<string, string>> { new("__csrf", token) };
        if (form.QuerySelector("input[name=Ticket]")?.GetAttribute("value") is { } ticket)
        {
            fields.Add(new("Ticket", ticket));
        }

        var response = await client.Http.PostAsync(pagePath + form.GetAttribute("data-begin"), new FormUrlEncodedContent(fields));
        var begun = await response.ShouldBeAsync(HttpStatusCode.OK);
        return (begun.GetProperty("ceremonyId").GetString()!, begun.GetProperty("options"));
    }

    /// <summary>Enrols the authenticator on the signed-in account through the passkeys page; returns the response to the form post.</summary>
    public static async Task<HttpResponseMessage> EnrolAsync(ConsoleClient client, SoftwareAuthenticator authenticator, string name)
    {
        var page = await client.GetPageAsync("/admin/passkeys");
        var (ceremonyId, options) = await BeginAsync(client, page, "form[data-passkey-register]", "/admin/passkeys");
        return await client.SubmitFormAsync(page, "form[data-passkey-register]",
            new() { ["ceremonyId"] = ceremonyId, ["credential"] = authenticator.Create(options).ToJsonString(), ["name"] = name });
    }

    /// <summary>Answers the passkey form of a login page (the first step, or the second with its ticket) with the authenticator.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(ConsoleClient client, IHtmlDocument loginPage, SoftwareAuthenticator authenticator)
    {
        var (ceremonyId, options) = await BeginAsync(client, loginPage, "form[data-passkey-signin]", "/admin/login");
        return await client.SubmitFormAsync(loginPage, "form[data-passkey-signin]",
            new() { ["ceremonyId"] = ceremonyId, ["credential"] = authenticator.Get(options).ToJsonString() });
    }

    /// <summary>Registers the authenticator on the user's account through the API.</summary>
    public static async Task RegisterThroughApiAsync(TestUser user, SoftwareAuthenticator authenticator)
    {
        var begun = await (await user.Client.PostAsync("/api/v1/auth/passkeys/register/begin", null)).ShouldBeAsync(HttpStatusCode.OK);
        var finish = await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish",
            new { ceremonyId = begun.GetProperty("ceremonyId").GetGuid(), credential = authenticator.Create(begun.GetProperty("options")) });
        await finish.ShouldBeAsync(HttpStatusCode.Created);
    }
}

public sealed class ConsolePasskeyTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task An_admin_enrols_renames_and_removes_a_passkey_in_the_console()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        using var authenticator = new SoftwareAuthenticator();

        var added = await ConsolePasskeys.EnrolAsync(console, authenticator, "Desk key");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var page = await console.GetPageAsync("/admin/passkeys");
        Assert.Equal("Desk key", page.QuerySelector("[data-testid=passkey-name]")!.TextContent);
        // The page's script comes from the console's own origin: no inline script under the CSP.
        Assert.Empty(page.QuerySelectorAll("script:not([src])"));

        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitFormAsync(page, "[data-testid=rename-form]", new() { ["name"] = "Office key" })).StatusCode);
        page = await console.GetPageAsync("/admin/passkeys");
        Assert.Equal("Office key", page.QuerySelector("[data-testid=passkey-name]")!.TextContent);

        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitFormAsync(page, "[data-testid=remove-form]", [])).StatusCode);
        Assert.Null((await console.GetPageAsync("/admin/passkeys")).QuerySelector("[data-testid=passkey-name]"));
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<PasskeyCredential>().CountAsync(p => p.UserId == admin.Id)));
    }

    [Fact]
    public async Task The_console_cannot_rename_or_remove_another_accounts_passkey()
    {
        var owner = await app.CreateAdminAsync();
        var other = await app.CreateAdminAsync();
        using var authenticator = new SoftwareAuthenticator();
        await ConsolePasskeys.EnrolAsync(await ConsoleClient.SignInAsync(app, owner), authenticator, "Owner's key");
        var id = await app.WithDbAsync(db => db.Set<PasskeyCredential>().Where(p => p.UserId == owner.Id).Select(p => p.Id).SingleAsync());

        var console = await ConsoleClient.SignInAsync(app, other);
        var page = await console.GetPageAsync("/admin/passkeys");
        var token = page.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var rename = await console.Http.PostAsync($"/admin/passkeys?handler=Rename&id={id}", new FormUrlEncodedContent([new("__csrf", token), new("name", "Taken")]));
        Assert.Contains("No passkey of yours has this id.", await rename.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var remove = await console.Http.PostAsync($"/admin/passkeys?handler=Remove&id={id}", new FormUrlEncodedContent([new("__csrf", token)]));
        Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        Assert.Equal("Owner's key", await app.WithDbAsync(db => db.Set<PasskeyCredential>().Where(p => p.Id == id).Select(p => p.Name).SingleAsync()));
    }

    [Fact]
    public async Task A_passkey_made_for_another_site_is_not_enrolled()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        using var phished = new SoftwareAuthenticator("https://admin.example.evil");
        var response = await ConsolePasskeys.EnrolAsync(console, phished, "Phished");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("could not be verified", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<PasskeyCredential>().CountAsync(p => p.UserId == admin.Id)));
    }

    [Fact]
    public async Task A_staff_member_signs_in_to_the_console_with_a_passkey_alone()
    {
        var admin = await app.CreateAdminAsync();
        using var authenticator = new SoftwareAuthenticator();
        await ConsolePasskeys.RegisterThroughApiAsync(admin, authenticator);

        var console = ConsoleClient.Anonymous(app);
        var response = await ConsolePasskeys.SignInAsync(console, await console.GetPageAsync("/admin/login"), authenticator);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
        Assert.Equal(admin.Handle, (await console.GetPageAsync("/admin")).QuerySelector("[data-testid=signed-in-as]")!.TextContent.Trim());
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "admin.signed_in" && e.ActorId == admin.Id && e.Details!.Contains("hwk mfa"))));

        // The same assertion again (a replay) does not sign anyone in.
        var again = ConsoleClient.Anonymous(app);
        var page = await again.GetPageAsync("/admin/login");
        var (ceremonyId, options) = await ConsolePasskeys.BeginAsync(again, page, "form[data-passkey-signin]", "/admin/login");
        var assertion = authenticator.Get(options).ToJsonString();
        Assert.Equal(HttpStatusCode.Redirect, (await again.SubmitFormAsync(page, "form[data-passkey-signin]", new() { ["ceremonyId"] = ceremonyId, ["credential"] = assertion })).StatusCode);
        var thief = ConsoleClient.Anonymous(app);
        var replayed = await thief.SubmitFormAsync(await thief.GetPageAsync("/admin/login"), "form[data-passkey-signin]", new() { ["ceremonyId"] = ceremonyId, ["credential"] = assertion });
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("could not be verified", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_account_cannot_enter_the_console_with_its_passkey()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await ConsolePasskeys.RegisterThroughApiAsync(user, authenticator);
        var console = ConsoleClient.Anonymous(app);
        var response = await ConsolePasskeys.SignInAsync(console, await console.GetPageAsync("/admin/login"), authenticator);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("cannot use the admin console", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_with_a_passkey_is_asked_for_it_after_its_password_and_only_its_own_passkey_counts()
    {
        var admin = await app.CreateAdminAsync();
        var other = await app.CreateAdminAsync();
        using var authenticator = new SoftwareAuthenticator();
        using var othersAuthenticator = new SoftwareAuthenticator();
        await ConsolePasskeys.RegisterThroughApiAsync(admin, authenticator);
        await ConsolePasskeys.RegisterThroughApiAsync(other, othersAuthenticator);

        var console = ConsoleClient.Anonymous(app);
        var step = await console.SignInAsync(admin.Email, admin.Password);
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        var secondStep = await ConsoleClient.ParseAsync(step);
        Assert.Null(secondStep.QuerySelector("input[name=Code]")); // no authenticator app on this account: the passkey is the second factor
        Assert.NotNull(secondStep.QuerySelector("form[data-passkey-signin] input[name=Ticket]"));

        // Another account's passkey does not complete this account's sign-in.
        var refused = await ConsolePasskeys.SignInAsync(console, secondStep, othersAuthenticator);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Null(console.Http.DefaultRequestHeaders.Authorization);
        Assert.Equal(HttpStatusCode.Redirect, (await console.Http.GetAsync("/admin")).StatusCode);

        var signedIn = await ConsolePasskeys.SignInAsync(console, await ConsoleClient.ParseAsync(refused), authenticator);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/admin", signedIn.Headers.Location!.OriginalString);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "admin.signed_in" && e.ActorId == admin.Id && e.Details!.Contains("pwd hwk mfa"))));
    }
}

/// <summary><c>Admin:RequireTwoFactor</c> on: a passkey satisfies it as an authenticator app does.</summary>
public sealed class ConsolePasskeyEnrolmentTests(ConsoleTwoFactorEnrolmentTests.RequireTwoFactorApp app) : IClassFixture<ConsoleTwoFactorEnrolmentTests.RequireTwoFactorApp>
{
    [Fact]
    public async Task An_admin_who_must_enrol_can_enrol_a_passkey_and_is_then_let_in()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        Assert.Equal("/admin/2fa", (await console.SignInAsync(admin.Email, admin.Password)).Headers.Location!.OriginalString);
        Assert.NotNull((await console.GetPageAsync("/admin/2fa")).QuerySelector("a[href='/admin/passkeys']"));

        using var authenticator = new SoftwareAuthenticator();
        Assert.Equal(HttpStatusCode.Redirect, (await ConsolePasskeys.EnrolAsync(console, authenticator, "Enrolment key")).StatusCode);
        await console.GetPageAsync("/admin");

        // Next time the password leads to the passkey step, and then straight in: no enrolment page.
        var next = ConsoleClient.Anonymous(app);
        var step = await next.SignInAsync(admin.Email, admin.Password);
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        var signedIn = await ConsolePasskeys.SignInAsync(next, await ConsoleClient.ParseAsync(step), authenticator);
        Assert.Equal("/admin", signedIn.Headers.Location!.OriginalString);
        await next.GetPageAsync("/admin");
    }

    [Fact]
    public async Task A_passwordless_passkey_sign_in_meets_the_two_factor_requirement()
    {
        var admin = await app.CreateAdminAsync();
        using var authenticator = new SoftwareAuthenticator();
        await ConsolePasskeys.RegisterThroughApiAsync(admin, authenticator);
        var console = ConsoleClient.Anonymous(app);
        var signedIn = await ConsolePasskeys.SignInAsync(console, await console.GetPageAsync("/admin/login"), authenticator);
        Assert.Equal("/admin", signedIn.Headers.Location!.OriginalString);
        await console.GetPageAsync("/admin/users");
    }
}
