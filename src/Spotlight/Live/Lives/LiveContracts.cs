using Spotlight.Identity.Users;

namespace Spotlight.Live.Lives;

/// <summary><c>POST /live</c>. Unknown fields are refused globally.</summary>
public sealed record StartLiveRequest(string? Title, string? Visibility);

/// <summary>The creator's answer: where to publish and the token to publish with.</summary>
public sealed record StartLiveResponse(Guid Id, string RoomName, string Status, string LivekitUrl, string PublisherToken, DateTime StartedAt);

public sealed record LiveCreator(Guid Id, string Handle, string? DisplayName, string? AvatarUrl)
{
    public static LiveCreator From(UserFacts facts) => new(facts.Id, facts.Handle, facts.DisplayName, facts.AvatarUrl);
}

/// <summary><c>GET /live/{id}</c>. <c>pk</c>: the live's invited or active battle (in <c>GET /live/{id}</c> only; null in lists).</summary>
public sealed record LiveResponse(
    Guid Id, LiveCreator? Creator, string Title, string Visibility, string Status, int ViewerCount, DateTime StartedAt, DateTime? EndedAt,
    Battles.PkBattleResponse? Pk);

/// <summary><c>POST /live/{id}/join</c>: a token to watch (the creator gets one to publish).</summary>
public sealed record JoinLiveResponse(string LivekitUrl, string Token, int ViewerCount);
