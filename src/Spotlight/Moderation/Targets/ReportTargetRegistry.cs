namespace Spotlight.Moderation.Targets;

/// <summary>The registered <see cref="IReportTarget"/>s by type; a type nobody registered (a <c>live</c> before Live exists) has none.</summary>
public sealed class ReportTargetRegistry(IEnumerable<IReportTarget> targets)
{
    private readonly Dictionary<string, IReportTarget> _byType = targets.GroupBy(t => t.Type, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IReportTarget? Find(string type) => _byType.GetValueOrDefault(type);
}
