namespace Spotlight.Matching;

/// <summary><c>Matching:*</c> (docs/matching.md).</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>The same two users are not paired again until this many minutes after their last match started or ended.</summary>
    public int RepeatAfterMinutes { get; set; } = 10;

    /// <summary>How often the recurring <c>match-sweep</c> job pairs whoever is still waiting (a join pairs at once on its node).</summary>
    public int SweepSeconds { get; set; } = 5;

    /// <summary>The oldest waiting users one pass considers; a pass that fills it runs again at once.</summary>
    public int BatchSize { get; set; } = 500;

    internal static IEnumerable<string> Problems(MatchingOptions options)
    {
        if (options.RepeatAfterMinutes is < 0 or > 7 * 24 * 60)
        {
            yield return "Matching:RepeatAfterMinutes must be between 0 and 10080 (a week).";
        }

        if (options.SweepSeconds is < 1 or > 3600)
        {
            yield return "Matching:SweepSeconds must be between 1 and 3600.";
        }

        if (options.BatchSize is < 2 or > 5000)
        {
            yield return "Matching:BatchSize must be between 2 and 5000.";
        }
    }
}
