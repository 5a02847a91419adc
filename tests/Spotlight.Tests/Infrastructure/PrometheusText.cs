using System.Globalization;
using System.Text.RegularExpressions;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): it throws on anything a Prometheus server would
/// refuse — bad names, unquoted or badly escaped label values, a sample before its TYPE, a family declared twice,
/// histogram buckets that are not cumulative or whose +Inf bucket differs from _count.
/// </summary>
public sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var name = line[7..].Split(' ')[0];
                Require(MetricName().IsMatch(name), lineNumber, $"bad metric name '{name}'");
                Require(helps.Add(name), lineNumber, $"HELP for '{name}' twice");
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Require(parts.Length == 2 && MetricName().IsMatch(parts[0]), lineNumber, "bad TYPE line");
                Require(parts[1] is "counter" or "gauge" or "histogram" or "summary" or "untyped", lineNumber, $"unknown type '{parts[1]}'");
                Require(types.TryAdd(parts[0], parts[1]), lineNumber, $"TYPE for '{parts[0]}' twice");
                continue;
            }

            Require(!line.StartsWith('#'), lineNumber, "unknown comment");
            var match = SampleLine().Match(line);
            Require(match.Success, lineNumber, $"not a sample: '{line}'");
            var sampleName = match.Groups["name"].Value;
            var labels = ParseLabels(match.Groups["labels"].Value, lineNumber);
            var valueText = match.Groups["value"].Value;
            Require(valueText is "+Inf" or "-Inf" or "NaN" || double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out _), lineNumber, $"bad value '{valueText}'");
            var value = valueText switch { "+Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, "NaN" => double.NaN, _ => double.Parse(valueText, CultureInfo.InvariantCulture) };
            var family = FamilyOf(sampleName, types);
            Require(family is not null, lineNumber, $"sample '{sampleName}' before its TYPE");
            samples.Add(new Sample(family!, sampleName, labels, value));
        }

        var parsed = new PrometheusText(types, samples);
        parsed.CheckHistograms();
        return parsed;
    }

    public IEnumerable<Sample> Family(string name) => Samples.Where(s => s.Family == name);

    public double Value(string sampleName, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == sampleName && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);

    private void CheckHistograms()
    {
        foreach (var (family, type) in Types.Where(t => t.Value == "histogram"))
        {
            foreach (var series in Family(family).Where(s => s.Name == family + "_count"))
            {
                var key = series.Labels;
                var buckets = Family(family).Where(s => s.Name == family + "_bucket" && SameLabels(s.Labels, key, except: "le")).ToList();
                Require(buckets.Count > 0, 0, $"{family}: no buckets");
                var ordered = buckets.OrderBy(b => b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], CultureInfo.InvariantCulture)).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    Require(ordered[i].Value >= ordered[i - 1].Value, 0, $"{family}: buckets not cumulative");
                }

                Require(ordered[^1].Labels["le"] == "+Inf" && ordered[^1].Value == series.Value, 0, $"{family}: +Inf bucket differs from _count");
            }
        }
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b, string except) =>
        a.Where(p => p.Key != except).OrderBy(p => p.Key).SequenceEqual(b.Where(p => p.Key != except).OrderBy(p => p.Key));

    private static string? FamilyOf(string sampleName, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sampleName))
        {
            return sampleName;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sampleName[..^suffix.Length], out var type) && type is "histogram" or "summary")
            {
                return sampleName[..^suffix.Length];
            }
        }

        return null;
    }

    private static Dictionary<string, string> ParseLabels(string text, int lineNumber)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            Require(eq > i, lineNumber, "bad label");
            var name = text[i..eq];
            Require(LabelName().IsMatch(name), lineNumber, $"bad label name '{name}'");
            Require(eq + 1 < text.Length && text[eq + 1] == '"', lineNumber, "label value not quoted");
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\')
                {
                    j++;
                    Require(j < text.Length && text[j] is '\\' or '"' or 'n', lineNumber, "bad escape in label value");
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else
                {
                    value.Append(text[j]);
                }
            }

            Require(j < text.Length, lineNumber, "unterminated label value");
            Require(labels.TryAdd(name, value.ToString()), lineNumber, $"label '{name}' twice");
            i = j + 1;
            if (i < text.Length)
            {
                Require(text[i] == ',', lineNumber, "labels not separated by commas");
                i++;
            }
        }

        return labels;
    }

    private static void Require(bool condition, int line, string message)
    {
        if (!condition)
        {
            throw new FormatException($"Prometheus text, line {line}: {message}");
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    public sealed record Sample(string Family, string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
