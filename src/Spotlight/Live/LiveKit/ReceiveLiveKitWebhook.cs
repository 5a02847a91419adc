using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Net.Http.Headers;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Live.LiveKit;

/// <summary>One LiveKit webhook event taken in: its id is unique, so a redelivery finds it and changes nothing.</summary>
public sealed class LiveKitWebhookEvent
{
    public const int MaxEventIdLength = 255;
    public const int MaxEventLength = 64;
    public const int MaxRoomLength = 255;

    public Guid Id { get; set; }

    /// <summary>LiveKit's event id (<c>id</c>, e.g. <c>EV_…</c>).</summary>
    public required string EventId { get; set; }

    /// <summary><c>room_finished</c>, <c>participant_joined</c>, …</summary>
    public required string Event { get; set; }

    public string? Room { get; set; }

    public DateTime ReceivedAt { get; set; }
}

internal sealed class LiveKitWebhookEventConfiguration : IEntityTypeConfiguration<LiveKitWebhookEvent>
{
    public void Configure(EntityTypeBuilder<LiveKitWebhookEvent> builder)
    {
        builder.ToTable("livekit_webhook_events");
        builder.Property(e => e.EventId).HasMaxLength(LiveKitWebhookEvent.MaxEventIdLength);
        builder.Property(e => e.Event).HasMaxLength(LiveKitWebhookEvent.MaxEventLength);
        builder.Property(e => e.Room).HasMaxLength(LiveKitWebhookEvent.MaxRoomLength);
        builder.HasIndex(e => e.EventId).IsUnique();
        builder.HasIndex(e => e.ReceivedAt);
    }
}

/// <summary><c>outcome</c>: <c>processed</c>, <c>duplicate</c> (this id was taken in before), <c>ignored</c> (an event Spotlight does not follow).</summary>
public sealed record LiveKitWebhookReceipt(bool Received, string Outcome);

/// <summary>
/// <c>POST /api/v1/livekit/webhooks</c>: LiveKit's signed event. The signature is LiveKit's scheme (<see cref="LiveKitTokens.VerifyWebhook"/>);
/// the event's id is recorded with an insert that does nothing on a known id, in the same transaction as the domain
/// event it raises, so each LiveKit event is acted on once however often LiveKit delivers it.
/// </summary>
public sealed class ReceiveLiveKitWebhook(
    SpotlightDb db, LiveKitSettings settings, LiveKitTokens tokens, DomainEvents events, TimeProvider time, ILogger<ReceiveLiveKitWebhook> logger)
{
    public const string InvalidSignature = "invalid_signature";
    private static readonly string[] MediaTypes = ["application/webhook+json", "application/json"];

    public async Task<Outcome<LiveKitWebhookReceipt>> HandleAsync(string? contentType, string? authorization, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var connection = settings.Connection();
        if (connection.Refusal is { } notConfigured)
        {
            return notConfigured;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !MediaTypes.Contains(mediaType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            return new Refusal(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send the event as application/webhook+json (or application/json).");
        }

        var now = time.GetUtcNow();
        if (await tokens.VerifyWebhook(authorization, body, connection.Value!.ApiKey, settings.AcceptedSecrets(now), connection.Value.ClockSkew) is { } reason)
        {
            logger.LogWarning("Refused a LiveKit webhook: {Reason}", reason);
            return new Refusal(StatusCodes.Status401Unauthorized, InvalidSignature, reason);
        }

        if (WebhookBody.Read(body, now.UtcDateTime) is not { } received)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "invalid_payload", "The body is not a LiveKit webhook event (it needs event, id, and the room, participant or track its event names).");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO livekit_webhook_events ("Id", "EventId", "Event", "Room", "ReceivedAt")
            VALUES ({Guid.CreateVersion7()}, {received.Id}, {received.Event}, {received.Room}, {now.UtcDateTime})
            ON CONFLICT ("EventId") DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            return new LiveKitWebhookReceipt(true, "duplicate");
        }

        var followed = Raise(received);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LiveKitWebhookReceipt(true, followed ? "processed" : "ignored");
    }

    private bool Raise(WebhookBody e)
    {
        switch (e.Event)
        {
            case "room_started":
                events.Raise(db, new LiveKitRoomStarted(e.Id, e.Room!, e.RoomSid, e.CreatedAt));
                return true;
            case "room_finished":
                events.Raise(db, new LiveKitRoomFinished(e.Id, e.Room!, e.RoomSid, e.CreatedAt));
                return true;
            case "participant_joined":
                events.Raise(db, new LiveKitParticipantJoined(e.Id, e.Room!, e.Identity!, e.ParticipantSid, e.ParticipantName, e.CreatedAt));
                return true;
            case "participant_left" or "participant_connection_aborted":
                events.Raise(db, new LiveKitParticipantLeft(e.Id, e.Room!, e.Identity!, e.ParticipantSid, e.Event == "participant_connection_aborted", e.CreatedAt));
                return true;
            case "track_published":
                events.Raise(db, new LiveKitTrackPublished(e.Id, e.Room!, e.Identity!, e.TrackSid, e.TrackType, e.TrackSource, e.CreatedAt));
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The fields Spotlight reads from LiveKit's <c>WebhookEvent</c> (protobuf JSON: LiveKit's server writes the proto
    /// names, its SDKs the camelCase ones; both are read; int64 may be a string, enums a name or a number).
    /// </summary>
    private sealed record WebhookBody(
        string Event, string Id, DateTime CreatedAt, string? Room, string? RoomSid, string? Identity, string? ParticipantSid, string? ParticipantName,
        string? TrackSid, string? TrackType, string? TrackSource)
    {
        private static readonly string[] TrackTypes = ["AUDIO", "VIDEO", "DATA"];
        private static readonly string[] TrackSources = ["UNKNOWN", "CAMERA", "MICROPHONE", "SCREEN_SHARE", "SCREEN_SHARE_AUDIO"];

        public static WebhookBody? Read(byte[] body, DateTime now)
        {
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(body);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }

            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "event") is not { Length: > 0 and <= LiveKitWebhookEvent.MaxEventLength } name
                || Text(root, "id") is not { Length: > 0 and <= LiveKitWebhookEvent.MaxEventIdLength } id)
            {
                return null;
            }

            var room = Member(root, "room");
            var participant = Member(root, "participant");
            var track = Member(root, "track");
            var createdAt = Integer(root, "createdAt", "created_at") is { } seconds and > 0 and < 253402300800
                ? DateTime.UnixEpoch.AddSeconds(seconds)
                : now;
            var read = new WebhookBody(name, id, createdAt, Text(room, "name"), Text(room, "sid"), Text(participant, "identity"), Text(participant, "sid"),
                Text(participant, "name"), Text(track, "sid"), Enum(track, "type", TrackTypes), Enum(track, "source", TrackSources));
            var needsParticipant = name is "participant_joined" or "participant_left" or "participant_connection_aborted" or "track_published";
            var needsRoom = needsParticipant || name is "room_started" or "room_finished";
            if ((needsRoom && read.Room is not { Length: > 0 and <= LiveKitWebhookEvent.MaxRoomLength })
                || (needsParticipant && string.IsNullOrEmpty(read.Identity)))
            {
                return null;
            }

            return read;
        }

        private static JsonElement? Member(JsonElement? parent, params string[] names)
        {
            if (parent is not { ValueKind: JsonValueKind.Object } element)
            {
                return null;
            }

            foreach (var name in names)
            {
                if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    return value;
                }
            }

            return null;
        }

        private static string? Text(JsonElement? parent, params string[] names) =>
            Member(parent, names) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

        private static long? Integer(JsonElement? parent, params string[] names) => Member(parent, names) switch
        {
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var n) => n,
            { ValueKind: JsonValueKind.String } text when long.TryParse(text.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };

        private static string? Enum(JsonElement? parent, string name, string[] names) => Member(parent, name) switch
        {
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var n) && n >= 0 && n < names.Length => names[n],
            null when parent is { ValueKind: JsonValueKind.Object } => names[0], // protobuf JSON leaves out an enum's zero value
            _ => null,
        };
    }
}
