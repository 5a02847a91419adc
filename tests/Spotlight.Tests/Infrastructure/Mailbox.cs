using System.Text.RegularExpressions;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Reads what the development email sender wrote under <c>{data}/mail</c>: the developer's way to follow a link.</summary>
public static partial class Mailbox
{
    public static async Task<string> WaitForAsync(SpotlightApp app, string to, string subject, int seconds = 20)
    {
        var folder = Path.Combine(app.DataDirectory, "mail");
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(folder))
            {
                foreach (var file in Directory.GetFiles(folder, "*.eml").Order())
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains($"To: {to}\n", StringComparison.OrdinalIgnoreCase) && text.Contains($"Subject: {subject}", StringComparison.Ordinal))
                    {
                        return text;
                    }
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No email '{subject}' to {to} within {seconds} s.");
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
