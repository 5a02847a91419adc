using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>
/// The real server on a real Kestrel port, and one headless Chromium (Debian's, never a downloaded one) for the whole
/// test class. Each test opens its own browser context, so cookies never leak between tests.
/// </summary>
public class BrowserApp : SpotlightApp
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("SPOTLIGHT_CHROMIUM") ?? "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test output folder.</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>The dashboard polls every second here, so a test can watch a counter change.</summary>
    /// <remarks>
    /// Fewer background writes and a longer SQLite lock wait than the API tests: a browser test is one long sequence of
    /// requests, and on a shared, overloaded machine a 5-second lock wait can run out (a 503 that strands the test).
    /// </remarks>
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Admin:DashboardRefreshSeconds"] = "1",
        ["Jobs:PollIntervalSeconds"] = "2",
        ["Database:SqliteBusyTimeoutMs"] = "30000",
    };

    /// <summary>The port to listen on; 0 lets the system pick one.</summary>
    protected virtual int Port => 0;

    public override async Task InitializeAsync()
    {
        UseKestrel(Port);
        await base.InitializeAsync();
        StartServer();
        // A fixed port is asked for by tests that need a host name in the URL (WebAuthn refuses an IP address as RP id).
        BaseUrl = Port == 0 ? Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') : $"http://localhost:{Port}";
        if (!BrowserFactAttribute.ChromiumInstalled && !BrowserFactAttribute.Required)
        {
            return; // every test here is skipped (BrowserFact): no browser to start
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    protected override async Task DisposeFixtureAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (its own cookies) and page; CSP is enforced unless <paramref name="bypassCsp"/> (for injecting axe).</summary>
    public async Task<IPage> NewPageAsync(bool bypassCsp = false, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            BypassCSP = bypassCsp,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        // Generous: in CI the browser, three servers and the API suite share two cores, and a page's load event has
        // been seen to take over 30 s. No test asserts on time; a wait only fails when the page never gets there.
        context.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000); // the same for retrying assertions (Expect), whose default is 5 s
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add($"{page.Url}: {message.Text}");
            }
        };
        return page;
    }

    /// <summary>Errors the pages wrote to the browser console (a CSP violation shows up here).</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> ConsoleErrors { get; } = [];

    /// <summary>Turns on two-factor authentication through the API; returns the setup key for computing codes.</summary>
    public async Task<string> EnableTwoFactorAsync(TestUser user)
    {
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(System.Net.HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        var enable = await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret, Clock.GetUtcNow()) });
        await enable.ShouldBeAsync(System.Net.HttpStatusCode.NoContent);
        // A code is good once per time step: the next sign-in uses the authenticator's next code, as a person would.
        Clock.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    /// <summary>
    /// Waits for the page to reach <paramref name="url"/>; if it does not, fails with what the page shows and what the
    /// server logged at warning or above, so a failure on a loaded CI machine says where the flow stopped.
    /// </summary>
    /// <remarks>
    /// By default it waits for the document (DOMContentLoaded), not the load event: on a loaded CI machine Chromium has
    /// reached the next page without the load event being seen in time (the dashboard's live counters start fetching at
    /// once); tests then wait, with Playwright's locators, for what they need to see.
    /// </remarks>
    public async Task ExpectUrlAsync(IPage page, string url, WaitUntilState waitUntil = WaitUntilState.DOMContentLoaded)
    {
        try
        {
            await page.WaitForURLAsync(url, new() { WaitUntil = waitUntil });
        }
        catch (TimeoutException timeout)
        {
            var body = await page.InnerTextAsync("body");
            var logged = string.Join("\n", Logs.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => $"{l.Level} {l.Category}: {l.Text}").TakeLast(20));
            throw new TimeoutException($"Expected {url}, still at {page.Url}.\nPage: {body}\nBrowser console: {string.Join(" | ", ConsoleErrors)}\nServer warnings:\n{logged}", timeout);
        }
    }

    /// <summary>Signs in through the login page like a person would, with a TOTP code when a secret is given.</summary>
    /// <remarks>Waits for the next page's document, not its load event (see <see cref="ExpectUrlAsync"/>).</remarks>
    public async Task SignInAsync(IPage page, TestUser user, string? totpSecret = null, WaitUntilState waitUntil = WaitUntilState.DOMContentLoaded)
    {
        await page.GotoAsync("/admin/login");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        if (totpSecret is not null)
        {
            await page.GetByLabel("Authentication code").FillAsync(Totp.Code(totpSecret, Clock.GetUtcNow()));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in" }).ClickAsync();
        }

        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/admin/login", StringComparison.Ordinal), new() { WaitUntil = waitUntil });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, "sign-in-stuck-" + user.Handle);
            throw new InvalidOperationException($"Sign-in of {user.Email} stayed on {page.Url}, which shows: {await page.InnerTextAsync("main")}");
        }
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
}
