using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Spotlight.Identity.Passkeys;

namespace Spotlight.BrowserTests;

/// <summary>Passkeys in Chromium with the DevTools virtual authenticator (a platform authenticator with user verification).</summary>
public sealed class PasskeyBrowserTests(PasskeyBrowserTests.PasskeyApp app) : BrowserTest(app), IClassFixture<PasskeyBrowserTests.PasskeyApp>
{
    /// <summary>On http://localhost:PORT (a secure context with a host name), the one origin the server accepts passkeys from.</summary>
    public sealed class PasskeyApp : BrowserApp
    {
        private readonly int _port = FreePort();

        protected override int Port => _port;

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Passkeys:RelyingPartyId"] = "localhost",
            ["Passkeys:Origins:0"] = $"http://localhost:{_port}",
        };

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    [BrowserFact]
    public async Task An_admin_enrols_a_passkey_in_the_console_and_signs_in_with_it()
    {
        var admin = await App.CreateAdminAsync();
        var page = await App.NewPageAsync();
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("WebAuthn.enable");
        await devtools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true, ["isUserVerified"] = true,
            },
        });

        // With the virtual authenticator attached, Chromium has twice (in CI, under load) reached the next page without
        // its load event ever being seen: this test waits for the document and then for what it needs to be visible.
        await App.SignInAsync(page, admin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Passkeys" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Virtual key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("Virtual key");
        await BrowserApp.ScreenshotAsync(page, "passkeys");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await App.ExpectUrlAsync(page, "*/admin/login*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(admin.Handle);

        var passkey = await App.WithDbAsync(db => db.Set<PasskeyCredential>().AsNoTracking().SingleAsync(p => p.UserId == admin.Id));
        Assert.NotNull(passkey.LastUsedAt);
        Assert.DoesNotContain(App.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}
