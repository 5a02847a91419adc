namespace Spotlight.Moderation;

/// <summary>What can be reported (API.md, <c>POST /reports</c> <c>targetType</c>).</summary>
public static class ReportTargetTypes
{
    public const string Post = "post";
    public const string Comment = "comment";
    public const string User = "user";
    public const string Message = "message";
    public const string Live = "live";
    public static readonly string[] All = [Post, Comment, User, Message, Live];
}

/// <summary>A reported thing as a moderator sees it: whose it is and what it says (media as URLs the console may show).</summary>
public sealed record ReportTargetSnapshot(string Type, Guid Id, Guid? AuthorId, string Preview, IReadOnlyList<string> MediaUrls);

/// <summary>What a moderator decided about the content itself (the author's account is the moderation feature's business).</summary>
public enum ContentDecision
{
    /// <summary>Hidden: out of every read path but the author's and staff's, reversible.</summary>
    Hide,

    /// <summary>Removed: as hidden, and the author sees it removed with the reason.</summary>
    Remove,

    /// <summary>Back to visible (a dismissed report after a hide, or an appeal).</summary>
    Restore,
}

/// <summary>
/// One kind of reportable thing, implemented by the module that owns it (Content: posts and comments; Identity: users;
/// Messaging: messages; Live: lives) and registered with <c>services.AddSingleton</c>/<c>AddScoped&lt;IReportTarget, ...&gt;</c>.
/// Moderation never touches another module's tables.
/// </summary>
public interface IReportTarget
{
    /// <summary>One of <see cref="ReportTargetTypes"/>.</summary>
    string Type { get; }

    /// <summary>The target as <paramref name="viewerId"/> may see it (a reporter must be able to see what they report), or null (404). Staff pass null.</summary>
    Task<ReportTargetSnapshot?> FindAsync(Guid targetId, Guid? viewerId, CancellationToken cancellationToken);

    /// <summary>Applies a decision to the content; false when the type has no such thing to hide (a user: moderation acts on the account instead).</summary>
    Task<bool> ApplyAsync(Guid targetId, ContentDecision decision, string reason, CancellationToken cancellationToken);
}
