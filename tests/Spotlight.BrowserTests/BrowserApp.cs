using System.Net.Http.Json;
using System.Text.RegularExpressions;
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
        _contexts.Add(context);
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

    private readonly System.Collections.Concurrent.ConcurrentBag<IBrowserContext> _contexts = [];

    /// <summary>Closes every page opened so far (see <see cref="BrowserTest"/>).</summary>
    public async Task CloseContextsAsync()
    {
        while (_contexts.TryTake(out var context))
        {
            await context.CloseAsync();
        }
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
    /// Waits until the page's address matches <paramref name="url"/> (a full URL, or a glob where <c>*</c> is any run of
    /// characters) and its document has been parsed; if it does not, fails with what the page shows and what the server
    /// logged at warning or above, so a failure on a loaded CI machine says where the flow stopped.
    /// </summary>
    /// <remarks>
    /// Both waits poll the page from Playwright's driver (<c>ToHaveURLAsync</c>, then <c>document.readyState</c>); neither
    /// waits for a load-state event. CI has three times timed out in <c>WaitForURLAsync</c> with the next page reached and
    /// "networkidle" logged but "load" never seen: the .NET client checks the states it has seen and then subscribes to the
    /// next one, and on an overloaded machine the event can land between the two. Tests then wait, with locators, for
    /// what they need to see.
    /// </remarks>
    public async Task ExpectUrlAsync(IPage page, string url) => await ExpectUrlAsync(page, GlobToRegex(url), url);

    private async Task ExpectUrlAsync(IPage page, Regex url, string described)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(url);
            await page.WaitForFunctionAsync("() => document.readyState !== 'loading'");
        }
        catch (Exception failed) when (failed is PlaywrightException or TimeoutException)
        {
            var body = await page.InnerTextAsync("body", new() { Timeout = 5_000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "(unreadable)", TaskScheduler.Default);
            var logged = string.Join("\n", Logs.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => $"{l.Level} {l.Category}: {l.Text}").TakeLast(20));
            throw new TimeoutException($"Expected {described}, still at {page.Url}.\nPage: {body}\nBrowser console: {string.Join(" | ", ConsoleErrors)}\nServer warnings:\n{logged}", failed);
        }
    }

    /// <summary><c>*</c> (or <c>**</c>) matches any run of characters; everything else, <c>?</c> included, is literal.</summary>
    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*\*", @"\*", StringComparison.Ordinal).Replace(@"\*", ".*", StringComparison.Ordinal) + "$");

    /// <summary>Signs in through the login page like a person would, with a TOTP code when a secret is given.</summary>
    /// <remarks>Waits for the next page as <see cref="ExpectUrlAsync(IPage, string)"/> does: no load-state event.</remarks>
    public async Task SignInAsync(IPage page, TestUser user, string? totpSecret = null)
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
            await ExpectUrlAsync(page, NotTheLoginPage, "a page other than the login page");
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(page, "sign-in-stuck-" + user.Handle);
            throw new InvalidOperationException($"Sign-in of {user.Email} stayed on {page.Url}, which shows: {await page.InnerTextAsync("main")}");
        }
    }

    /// <summary>
    /// With <c>SPOTLIGHT_UPDATE_SCREENSHOTS=1</c> (<c>tools/update-screenshots</c>), a screenshot the docs show
    /// (<c>docs/screenshots/{name}.png</c>) is replaced by the one just taken, so the docs' pictures come from the
    /// browser tests and never go stale (<c>DocsScreenshotsTests</c> holds every pictured page to a test that takes it).
    /// </summary>
    private static void KeepForDocs(string name, string path)
    {
        if (Environment.GetEnvironmentVariable("SPOTLIGHT_UPDATE_SCREENSHOTS") != "1")
        {
            return;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Spotlight.slnx")))
        {
            directory = directory.Parent;
        }

        var docs = directory is null ? null : Path.Combine(directory.FullName, "docs", "screenshots", name + ".png");
        if (docs is not null && File.Exists(docs))
        {
            File.Copy(path, docs, overwrite: true);
        }
    }

    private static readonly Regex NotTheLoginPage = new("^(?!.*/admin/login).*$");

    /// <summary>
    /// Saves a full-page screenshot for people to look at; never fails a test. Chromium has answered "Unable to capture
    /// screenshot" on a loaded CI machine, and a picture that could not be taken says nothing about the console.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 30_000 });
                KeepForDocs(name, path);
                return;
            }
            catch (Exception failed) when (failed is PlaywrightException or TimeoutException)
            {
                Console.Error.WriteLine($"Screenshot {name} (attempt {attempt}) was not taken: {failed.Message.Split('\n')[0]}");
            }
        }
    }
}
