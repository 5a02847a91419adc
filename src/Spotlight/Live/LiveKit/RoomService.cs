using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Spotlight.Live.LiveKit;

/// <summary>A participant of a LiveKit room, as <c>ListParticipants</c> gives it.</summary>
public sealed record LiveKitParticipant(string Identity, string? Sid, string? Name, string? State);

/// <summary>
/// LiveKit could not be asked: it is not configured, did not answer, timed out or kept failing through every retry.
/// The caller decides what that means (a live being ended is ended on Spotlight's side all the same).
/// </summary>
public sealed class LiveKitUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>LiveKit answered and refused the call (a 4xx other than not-found: a bad token, a bad request).</summary>
public sealed class LiveKitRequestException(int status, string? code, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>Twirp's error code (<c>permission_denied</c>, <c>invalid_argument</c>…), when LiveKit sent one.</summary>
    public string? Code { get; } = code;
}

/// <summary>
/// LiveKit's RoomService over its Twirp JSON API (<c>POST {url}/twirp/livekit.RoomService/{Method}</c>, an admin token as
/// bearer). Each call is bounded: transient failures (connection refused, 5xx, 408, 429, an attempt over
/// <see cref="LiveKitOptions.RoomServiceAttemptTimeout"/>) are retried with exponential backoff and jitter, and the whole
/// call, retries included, gives up after <see cref="LiveKitOptions.RoomServiceTimeout"/> with
/// <see cref="LiveKitUnavailableException"/>. A room or participant LiveKit does not know is a plain answer (<c>false</c>).
/// </summary>
public sealed class LiveKitRoomService(HttpClient http, LiveKitSettings settings, LiveKitTokens tokens, ILogger<LiveKitRoomService> logger)
{
    public const string Path = "twirp/livekit.RoomService/";

    /// <summary>Closes the room and disconnects everyone in it; <c>false</c> when LiveKit has no such room.</summary>
    public async Task<bool> DeleteRoomAsync(string room, CancellationToken cancellationToken = default) =>
        await CallAsync("DeleteRoom", room, new { room }, cancellationToken) is not null;

    /// <summary>Disconnects one participant; <c>false</c> when they are not in the room (or there is no such room).</summary>
    public async Task<bool> RemoveParticipantAsync(string room, string identity, CancellationToken cancellationToken = default) =>
        await CallAsync("RemoveParticipant", room, new { room, identity }, cancellationToken) is not null;

    /// <summary>Who is in the room now; empty when LiveKit has no such room.</summary>
    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken cancellationToken = default)
    {
        if (await CallAsync("ListParticipants", room, new { room }, cancellationToken) is not { } answer
            || !answer.TryGetProperty("participants", out var participants) || participants.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return participants.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && Text(p, "identity") is { Length: > 0 })
            .Select(p => new LiveKitParticipant(Text(p, "identity")!, Text(p, "sid"), Text(p, "name"), Text(p, "state")))
            .ToList();
    }

    /// <summary>LiveKit's answer, or <c>null</c> for Twirp's <c>not_found</c>.</summary>
    private async Task<JsonElement?> CallAsync(string method, string room, object body, CancellationToken cancellationToken)
    {
        var connection = settings.Connection();
        if (connection.Refusal is { } refusal)
        {
            throw new LiveKitUnavailableException(refusal.Detail);
        }

        var options = settings.Options(out _)!;
        var url = new Uri(connection.Value!.ApiBase, Path + method);
        var token = tokens.Admin(connection.Value, room);
        HttpResponseMessage response;
        try
        {
            response = await Pipeline(options, method).ExecuteAsync(async attempt =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return await http.SendAsync(request, attempt);
            }, cancellationToken);
        }
        catch (Exception failure) when (failure is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(failure, "LiveKit {Method} for room {Room} failed", method, room);
            throw new LiveKitUnavailableException($"LiveKit's {method} did not succeed within {options.RoomServiceTimeout.TotalSeconds:0.#} s: {failure.Message}", failure);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            }

            var (code, message) = await TwirpError(response, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound || code == "not_found")
            {
                return null;
            }

            if ((int)response.StatusCode >= 500 || Transient(response.StatusCode))
            {
                throw new LiveKitUnavailableException($"LiveKit's {method} kept failing: {(int)response.StatusCode} {code} {message}");
            }

            throw new LiveKitRequestException((int)response.StatusCode, code, $"LiveKit refused {method}: {(int)response.StatusCode} {code} {message}");
        }
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(LiveKitOptions options, string method) => new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddTimeout(options.RoomServiceTimeout)
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = Math.Max(1, options.RoomServiceRetries),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            ShouldHandle = args => ValueTask.FromResult(options.RoomServiceRetries > 0 && args.Outcome switch
            {
                { Exception: HttpRequestException or TimeoutRejectedException } => true,
                { Result: { } r } => (int)r.StatusCode >= 500 || Transient(r.StatusCode),
                _ => false,
            }),
            OnRetry = args =>
            {
                logger.LogInformation("Retrying LiveKit {Method} (attempt {Attempt}) after {Delay} ms: {Reason}", method, args.AttemptNumber + 1,
                    (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? ((int?)args.Outcome.Result?.StatusCode)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return default;
            },
        })
        .AddTimeout(options.RoomServiceAttemptTimeout)
        .Build();

    private static bool Transient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static async Task<(string? Code, string Message)> TwirpError(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            return (Text(json.RootElement, "code"), Text(json.RootElement, "msg") ?? text);
        }
        catch (JsonException)
        {
            return (null, text.Length > 200 ? text[..200] : text);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String => value.GetString(), JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;
}
