using Spotlight.Content.Posts;
using Spotlight.Identity.Users;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Discovery.Search;

/// <summary>A user as search lists them.</summary>
public sealed record UserCard(Guid Id, string Handle, string? DisplayName, string? AvatarUrl, bool IsCreator);

/// <summary>
/// <c>type=users</c>: active accounts whose handle (a leading <c>@</c> ignored) or display name starts with the text, in
/// handle order; never one blocked either way with the caller.
/// </summary>
public sealed class SearchUsers(IUserDirectory users, IBlockList blocks)
{
    public async Task<Page<UserCard>> HandleAsync(Viewer viewer, SearchRequest request, CancellationToken cancellationToken)
    {
        var prefix = request.Text.TrimStart('@');
        if (prefix.Length == 0)
        {
            return new Page<UserCard>([], null);
        }

        var excluded = viewer.UserId is { } me ? blocks.BlockedEitherWay(me) : null;
        var found = await users.SearchAsync(prefix, excluded, request.After, request.Limit + 1, cancellationToken);
        var items = found.Take(request.Limit).Select(u => new UserCard(u.Id, u.Handle, u.DisplayName, u.AvatarUrl, u.IsCreator)).ToList();
        return new Page<UserCard>(items, found.Count > request.Limit ? SearchRequest.EncodeCursor(items[^1].Handle) : null);
    }
}
