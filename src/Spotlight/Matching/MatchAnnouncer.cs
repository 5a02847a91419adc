using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Realtime;

namespace Spotlight.Matching;

/// <summary>The hub events of matching (API.md, Realtime): their names and payloads.</summary>
internal static class MatchingEvents
{
    /// <summary>To each member of a new match: <see cref="MatchedEvent"/>.</summary>
    public const string Matched = "matched";

    /// <summary>To both members when a match ends (<c>next</c>, <c>report</c>, or LiveKit closed its room): <see cref="MatchEndedEvent"/>.</summary>
    public const string MatchEnded = "matchEnded";
}

internal sealed record MatchPartner(Guid Id, string Handle, string? DisplayName, string? AvatarUrl);

internal sealed record MatchedEvent(Guid MatchId, MatchPartner Partner, string LivekitUrl, string Token, string RoomName);

/// <summary>No reason is given: a partner is not told that they were reported.</summary>
internal sealed record MatchEndedEvent(Guid MatchId);

/// <summary>
/// Tells both members of new matches: each gets <c>matched</c> with the other's card (Identity's
/// <see cref="IUserDirectory"/>) and a LiveKit token to publish and subscribe in the match's room of two.
/// </summary>
internal sealed class MatchAnnouncer(IUserDirectory users, LiveKitSettings settings, LiveKitTokens tokens, IRealtimeSender sender)
{
    public bool IsReady(out Platform.Errors.Refusal? refusal)
    {
        refusal = settings.Connection().Refusal;
        return refusal is null;
    }

    public Task<IReadOnlyDictionary<Guid, UserFacts>> CardsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        users.FactsAsync(ids, cancellationToken);

    /// <summary>Stages both members' <c>matched</c> in the open transaction: sent when the match commits, never otherwise.</summary>
    public async Task StageMatchedAsync(SpotlightDb db, IReadOnlyList<Match> matches, IReadOnlyDictionary<Guid, UserFacts> cards, CancellationToken cancellationToken)
    {
        var connection = settings.Connection().Value ?? throw new InvalidOperationException("LiveKit is not configured.");
        foreach (var match in matches)
        {
            foreach (var (me, partner) in new[] { (cards[match.UserA], cards[match.UserB]), (cards[match.UserB], cards[match.UserA]) })
            {
                var token = tokens.Participant(connection, me.Id, me.Handle, RoomGrant.Publisher(match.RoomName));
                var payload = new MatchedEvent(match.Id, new MatchPartner(partner.Id, partner.Handle, partner.DisplayName, partner.AvatarUrl), connection.Url, token, match.RoomName);
                await sender.StageToUsersAsync(db, [me.Id], MatchingEvents.Matched, payload, cancellationToken);
            }
        }
    }

    public Task StageEndedAsync(SpotlightDb db, Match match, CancellationToken cancellationToken) =>
        sender.StageToUsersAsync(db, [match.UserA, match.UserB], MatchingEvents.MatchEnded, new MatchEndedEvent(match.Id), cancellationToken);
}
