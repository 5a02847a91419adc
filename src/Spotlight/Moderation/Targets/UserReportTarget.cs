using Spotlight.Identity.Users;

namespace Spotlight.Moderation.Targets;

/// <summary>
/// A reported account, through Identity's <see cref="IUserDirectory"/>. A banned account cannot be seen (its profile is
/// 404), so it cannot be reported either. There is no content to hide: moderation warns, suspends or bans the account.
/// </summary>
internal sealed class UserReportTarget(IUserDirectory users) : IReportTarget
{
    public string Type => ReportTargetTypes.User;

    public async Task<ReportTargetSnapshot?> FindAsync(Guid targetId, Guid? viewerId, CancellationToken cancellationToken)
    {
        var facts = await users.FactsAsync([targetId], cancellationToken);
        if (!facts.TryGetValue(targetId, out var user) || (user.IsBanned && viewerId is not null))
        {
            return null;
        }

        var preview = user.DisplayName is { Length: > 0 } name ? $"@{user.Handle} ({name})" : "@" + user.Handle;
        // Only this server's own avatar paths are shown; an outside https URL would break the console's CSP and leak its visit.
        IReadOnlyList<string> media = user.AvatarUrl is { } avatar && avatar.StartsWith('/') && !avatar.StartsWith("//", StringComparison.Ordinal) ? [avatar] : [];
        return new ReportTargetSnapshot(Type, targetId, targetId, preview, media);
    }

    public Task<bool> ApplyAsync(Guid targetId, ContentDecision decision, string reason, CancellationToken cancellationToken) => Task.FromResult(false);
}
