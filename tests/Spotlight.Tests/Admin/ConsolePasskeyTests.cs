using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Passkeys;
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
}
