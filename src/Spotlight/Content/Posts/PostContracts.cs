using System.Security.Claims;
using Spotlight.Content.Media;
using Spotlight.Identity;
using Spotlight.Platform.Http;

namespace Spotlight.Content.Posts;

/// <summary>Who is reading: anonymous, a user, or staff (admin or moderator, who see every post whole).</summary>
public sealed record Viewer(Guid? UserId, bool IsStaff)
{
    public static readonly Viewer Anonymous = new(null, false);

    public static Viewer From(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true
            ? new Viewer(principal.UserId(), principal.IsInRole(Role.Admin) || principal.IsInRole(Role.Moderator))
            : Anonymous;
}

/// <summary>What a viewer may see of one post: nothing (404), the locked shape, or the whole post.</summary>
public enum PostAccess
{
    None,
    Locked,
    Whole,
}

public sealed record AuthorCard(Guid Id, string Handle, string? DisplayName, string? AvatarUrl);

/// <summary>The author's own view of a moderator's decision on their post.</summary>
public sealed record ModerationNote(string Status, string? Reason);

/// <summary>API.md's <c>Post</c>. Locked: <c>text</c> empty, media reduced to kind, size and blurhash, price or plans shown.</summary>
public sealed record PostResponse(
    Guid Id, AuthorCard Author, string Text, IReadOnlyList<MediaResponse> Media, string Visibility, IReadOnlyList<Guid> PlanIds, long? Price,
    bool Pinned, int LikeCount, int CommentCount, bool LikedByMe, bool Locked, bool CommentsClosed, DateTime CreatedAt, DateTime? EditedAt,
    ModerationNote? Moderation = null);

/// <summary>
/// The one entitlement function: every read path (a post, a profile's list, feeds, search, hashtag pages, comments, media
/// URLs) asks it. Author and staff see everything whole; a follower sees <c>followers</c> posts; an active subscriber of a
/// qualifying plan (canceled: to the period end) sees <c>subscribers</c> posts; a buyer sees a <c>premium</c> post;
/// everyone else gets it locked; a user blocked either way, and anyone but author and staff for a deleted, hidden or
/// removed post, gets <see cref="PostAccess.None"/>.
/// </summary>
public interface IPostEntitlement
{
    Task<IReadOnlyDictionary<Guid, PostAccess>> DecideAsync(Viewer viewer, IReadOnlyCollection<Post> posts, CancellationToken cancellationToken);
}

/// <summary>Turns post rows into what a viewer receives, through <see cref="IPostEntitlement"/>, dropping what they may not see at all.</summary>
public interface IPostReader
{
    Task<IReadOnlyList<PostResponse>> ShapeAsync(Viewer viewer, IReadOnlyList<Post> posts, CancellationToken cancellationToken);
}
