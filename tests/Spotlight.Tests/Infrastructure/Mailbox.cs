using System.Text.RegularExpressions;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Reads what the development email sender wrote under <c>{data}/mail</c>: the developer's way to follow a link.</summary>
public static partial class Mailbox
{
    public static async Task<string> WaitForAsync(SpotlightApp app, string to, string subject, int seconds = 20) =>
        (await WaitForAllAsync(app, to, subject, 1, seconds))[0];

    /// <summary>The tokens of the first <paramref name="count"/> emails with this subject to this address, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> WaitForTokensAsync(SpotlightApp app, string to, string subject, int count, int seconds = 20) =>
        [.. (await WaitForAllAsync(app, to, subject, count, seconds)).Select(TokenFrom)];

    private static async Task<List<string>> WaitForAllAsync(SpotlightApp app, string to, string subject, int count, int seconds)
    {
        var folder = Path.Combine(app.DataDirectory, "mail");
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var found = new List<string>();
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder, "*.eml").Order())
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains($"To: {to}\n", StringComparison.OrdinalIgnoreCase) && text.Contains($"Subject: {subject}", StringComparison.Ordinal))
                    {
                        found.Add(text);
                    }
                }
            }

            if (found.Count >= count)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Fewer than {count} emails '{subject}' to {to} within {seconds} s.");
    }

    public static int CountTo(SpotlightApp app, string to)
    {
        var folder = Path.Combine(app.DataDirectory, "mail");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Count(f => File.ReadAllText(f).Contains($"To: {to}\n", StringComparison.OrdinalIgnoreCase))
            : 0;
    }

    public static string TokenFrom(string email) => Uri.UnescapeDataString(Token().Match(email).Groups[1].Value);

    [GeneratedRegex(@"token=([A-Za-z0-9%_\-]+)")]
    private static partial Regex Token();
}
