using System.Text.RegularExpressions;

namespace Spotlight.Tests.Platform;

/// <summary>The docs' pictures of the console come from the browser tests (tools/update-screenshots), so none goes stale unnoticed.</summary>
public sealed partial class DocsScreenshotsTests
{
    [Fact]
    public void Every_picture_in_the_docs_is_taken_by_a_browser_test_under_its_name()
    {
        var root = CompiledServer.RepositoryRoot();
        var taken = Directory.EnumerateFiles(Path.Combine(root, "tests", "Spotlight.BrowserTests"), "*.cs")
            .SelectMany(f => ScreenshotCall().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var pictures = Directory.EnumerateFiles(Path.Combine(root, "docs", "screenshots"), "*.png").Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.NotEmpty(pictures);
        Assert.All(pictures, picture => Assert.True(taken.Contains(picture!), $"docs/screenshots/{picture}.png is taken by no browser test"));
        var referenced = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"))
            .SelectMany(f => PictureLink().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct();
        Assert.All(referenced, name => Assert.True(pictures.Contains(name), $"the docs show screenshots/{name}.png, which does not exist"));
    }

    [GeneratedRegex("""ScreenshotAsync\(page, "([a-z0-9-]+)"\)""")]
    private static partial Regex ScreenshotCall();

    [GeneratedRegex(@"screenshots/([a-z0-9-]+)\.png")]
    private static partial Regex PictureLink();
}
