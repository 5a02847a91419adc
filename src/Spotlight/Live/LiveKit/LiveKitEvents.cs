using Spotlight.Platform.Events;

namespace Spotlight.Live.LiveKit;

// What LiveKit told us through a verified webhook, once per LiveKit event id, raised in the same transaction as the
// record of that id. The lives feature (and the viewer counts) react to these; the receiver calls nobody.
// EventId is LiveKit's own event id; Room is the room's name (Spotlight names rooms), RoomSid LiveKit's id for it.

/// <summary>LiveKit opened a room (<c>room_started</c>).</summary>
public sealed record LiveKitRoomStarted(string EventId, string Room, string? RoomSid, DateTime OccurredAt) : IDomainEvent;

/// <summary>LiveKit closed a room (<c>room_finished</c>): whatever was live in it is over.</summary>
public sealed record LiveKitRoomFinished(string EventId, string Room, string? RoomSid, DateTime OccurredAt) : IDomainEvent;

/// <summary>A participant connected to a room (<c>participant_joined</c>); <c>Identity</c> is the token's <c>sub</c>, a user id.</summary>
public sealed record LiveKitParticipantJoined(string EventId, string Room, string Identity, string? ParticipantSid, string? Name, DateTime OccurredAt) : IDomainEvent;

/// <summary>
/// A participant left a room: <c>participant_left</c>, or <c>participant_connection_aborted</c> (<see cref="Aborted"/>:
/// the connection was lost rather than closed).
/// </summary>
public sealed record LiveKitParticipantLeft(string EventId, string Room, string Identity, string? ParticipantSid, bool Aborted, DateTime OccurredAt) : IDomainEvent;

/// <summary>A participant published a track (<c>track_published</c>): <c>TrackType</c> is <c>AUDIO</c>/<c>VIDEO</c>/<c>DATA</c>, <c>Source</c> e.g. <c>CAMERA</c>.</summary>
public sealed record LiveKitTrackPublished(string EventId, string Room, string Identity, string? TrackSid, string? TrackType, string? Source, DateTime OccurredAt) : IDomainEvent;
