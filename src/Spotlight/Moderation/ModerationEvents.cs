using Spotlight.Platform.Events;

namespace Spotlight.Moderation;

/// <summary>A moderator acted on an author's content or account (hide, remove, warn, suspend, ban): the author is told why.</summary>
public sealed record ContentModerated(Guid CaseId, Guid AuthorId, string TargetType, Guid TargetId, string Action, string Reason, DateTime? Until) : IDomainEvent;

/// <summary>One reporter's report in a case that was resolved.</summary>
public sealed record ResolvedReport(Guid ReportId, Guid ReporterId);

/// <summary>
/// A case was resolved: each reporter is told the outcome (<c>dismissed</c> or <c>action_taken</c>; not which action, which is
/// between the author and the moderators).
/// </summary>
public sealed record ReportsResolved(Guid CaseId, string TargetType, Guid TargetId, string Outcome, IReadOnlyList<ResolvedReport> Reports) : IDomainEvent
{
    public const string Dismissed = "dismissed";
    public const string ActionTaken = "action_taken";
}
