using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;

namespace Spotlight.Social;

/// <summary>What anyone may see of an account.</summary>
public sealed record PublicProfile(Guid Id, string Handle, string? DisplayName, string? Bio, string? AvatarUrl, int FollowerCount, int FollowingCount, bool IsCreator)
{
    public static PublicProfile From(UserProfileFacts u) =>
        new(u.Facts.Id, u.Facts.Handle, u.Facts.DisplayName, u.Bio, u.Facts.AvatarUrl, u.FollowerCount, u.FollowingCount, u.Facts.IsCreator);
}

/// <summary>A user the caller blocked, and since when (<c>GET /me/blocks</c>).</summary>
public sealed record BlockedUser(Guid Id, string Handle, string? DisplayName, DateTime BlockedAt);

/// <summary><c>GET /users/{handle}</c>: a public profile by handle (with or without <c>@</c>); a banned account has none.</summary>
internal sealed class GetProfile(IUserDirectory users)
{
    public async Task<Outcome<PublicProfile>> HandleAsync(string handle, CancellationToken cancellationToken)
    {
        var wanted = handle.Trim().TrimStart('@');
        var found = await users.FindByHandlesAsync([wanted], cancellationToken);
        var profile = found.Count == 1 ? (await users.ProfilesAsync([found.Values.Single()], cancellationToken)).Values.SingleOrDefault() : null;
        return profile is null || profile.Facts.IsBanned ? Refusal.NotFound("No user has this handle.") : PublicProfile.From(profile);
    }
}
