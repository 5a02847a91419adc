using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Live.Lives;

/// <summary>
/// <c>POST /live</c>: a creator goes live. Creators only (403 <c>not_creator</c>), one live at a time (409
/// <c>already_live</c>, also when two starts race: <see cref="LiveSession.OnAirCreatorId"/> is unique). The answer carries
/// the LiveKit URL and a token to publish in the new room; LiveKit opens the room when the creator connects.
/// </summary>
public sealed class StartLive(SpotlightDb db, IUserDirectory users, LiveKitSettings settings, LiveKitTokens tokens, DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<StartLiveResponse>> HandleAsync(Guid callerId, StartLiveRequest request, CancellationToken cancellationToken)
    {
        var visibility = request.Visibility ?? LiveVisibility.Public;
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Trim().Length > LiveSession.MaxTitleLength)
        {
            errors.Add("title", $"A title of 1 to {LiveSession.MaxTitleLength} characters.");
        }

        if (!LiveVisibility.All.Contains(visibility, StringComparer.Ordinal))
        {
            errors.Add("visibility", $"Choose one of: {string.Join(", ", LiveVisibility.All)}.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var outcome = settings.Connection();
        if (outcome.Refusal is { } notConfigured)
        {
            return notConfigured;
        }

        var connection = outcome.Value!;
        if (!(await users.FactsAsync([callerId], cancellationToken)).TryGetValue(callerId, out var caller) || caller.IsBanned)
        {
            return Refusal.Forbidden("banned", "This account may not go live.");
        }

        if (!caller.IsCreator)
        {
            return Refusal.Forbidden("not_creator", "Only creators can go live.");
        }

        if (await db.Set<LiveSession>().AnyAsync(l => l.OnAirCreatorId == callerId, cancellationToken))
        {
            return AlreadyLive();
        }

        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow().UtcDateTime;
        var live = new LiveSession
        {
            Id = id, CreatorId = callerId, OnAirCreatorId = callerId, Title = request.Title!.Trim(), Visibility = visibility,
            RoomName = "live_" + id.ToString("N"), Status = LiveStatus.Live, StartedAt = now, LastConfirmedAt = now,
        };
        db.Add(live);
        events.Raise(db, new LiveStarted(live.Id, callerId, live.Title, live.Visibility, live.StartedAt));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await db.Set<LiveSession>().AsNoTracking().AnyAsync(l => l.OnAirCreatorId == callerId, CancellationToken.None))
            {
                return AlreadyLive(); // another start of the same creator won the race
            }

            throw;
        }

        var token = tokens.Participant(connection, callerId, caller.Handle, RoomGrant.Publisher(live.RoomName));
        return new StartLiveResponse(live.Id, live.RoomName, live.Status, connection.Url, token, live.StartedAt);
    }

    private static Refusal AlreadyLive() => Refusal.Conflict("already_live", "You are live already: end that live first.");
}
