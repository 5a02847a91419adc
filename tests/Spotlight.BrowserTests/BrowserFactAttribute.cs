namespace Spotlight.BrowserTests;

/// <summary>
/// A browser test. On a developer machine without Chromium (or, for <see cref="NeedsAxe"/>, without axe-core installed
/// by npm) it is skipped with the command that installs what is missing, so that `dotnet test` on a fresh clone runs the
/// rest. CI sets <c>SPOTLIGHT_REQUIRE_BROWSER=1</c>: there nothing is skipped, and a missing browser fails the run.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public static bool Required => Environment.GetEnvironmentVariable("SPOTLIGHT_REQUIRE_BROWSER") == "1";

    public static bool ChromiumInstalled => File.Exists(BrowserApp.ChromiumPath);

    public BrowserFactAttribute(bool needsAxe = false)
    {
        if (Required)
        {
            return;
        }

        if (!ChromiumInstalled)
        {
            Skip = $"Needs Chromium at {BrowserApp.ChromiumPath} (apt-get install chromium, or set SPOTLIGHT_CHROMIUM); .ci/run installs it.";
        }
        else if (needsAxe && AccessibilityTests.AxePath() is null)
        {
            Skip = "Needs axe-core: npm ci --prefix tests/Spotlight.BrowserTests (.ci/run does it).";
        }
    }
}
