using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Realtime;

/// <summary>
/// A small SignalR client speaking the JSON hub protocol over a WebSocket (the .NET SignalR client does not restore here):
/// handshake <c>{"protocol":"json","version":1}</c>, records ended by 0x1E, invocations (type 1), completions (3), pings
/// (6) and close (7). It keeps every event the server sends, so a test can wait for one or assert that none came.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private const byte RecordSeparator = 0x1E;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Completion>> _pending = new();
    private readonly List<ServerEvent> _events = [];
    private readonly Lock _eventsGate = new();
    private readonly TaskCompletionSource<CloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _eventArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextInvocationId;
    private int _disposed;
    private Task? _reader;
    private Task? _pinger;

    private HubClient(WebSocket socket) => _socket = socket;

    /// <summary>Completes when the server closes the connection (a close record, or the socket ending).</summary>
    public Task<CloseInfo> Closed => _closed.Task;

    public bool IsOpen => !_closed.Task.IsCompleted;

    /// <summary>Performs the handshake on an open WebSocket; throws if the server refuses it.</summary>
    public static async Task<HubClient> StartAsync(WebSocket socket, CancellationToken cancellationToken = default)
    {
        var client = new HubClient(socket);
        await client.SendRecordAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var buffer = new ArrayBufferWriter<byte>();
        var first = await client.ReadRecordAsync(buffer, cancellationToken) ?? throw new InvalidOperationException("The server closed the connection during the handshake.");
        using (var handshake = JsonDocument.Parse(first))
        {
            if (handshake.RootElement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException("Handshake refused: " + error.GetString());
            }
        }

        client._reader = client.ReadLoopAsync(buffer);
        client._pinger = client.PingLoopAsync();
        return client;
    }

    /// <summary>Invokes a hub method and returns its result; a hub error throws <see cref="HubErrorException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var completion = await TryInvokeAsync(target, arguments);
        return completion.Error is { } error ? throw new HubErrorException(error) : completion.Result;
    }

    /// <summary>Invokes a hub method and returns the completion, error or not.</summary>
    public async Task<Completion> TryInvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        await SendRecordAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }, Json));
        var done = await Task.WhenAny(pending.Task, _closed.Task, Task.Delay(DefaultWait));
        if (done == pending.Task)
        {
            return await pending.Task;
        }

        _pending.TryRemove(id, out _);
        return _closed.Task.IsCompleted ? new Completion(default, "connection closed: " + _closed.Task.Result.Error) : throw new TimeoutException($"No completion for {target} within {DefaultWait}.");
    }

    /// <summary>Starts an invocation without waiting for its completion (the completion is still recorded).</summary>
    public Task<Completion> StartInvocationAsync(string target, params object?[] arguments) => TryInvokeAsync(target, arguments);

    /// <summary>Sends any text as one record: for malformed input.</summary>
    public Task SendRawRecordAsync(string json) => SendRecordAsync(json);

    /// <summary>The first argument of the first event named <paramref name="target"/> that matches, received before or after this call.</summary>
    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            Task arrived;
            lock (_eventsGate)
            {
                foreach (var e in _events)
                {
                    if (e.Target == target && (match is null || match(e.Argument)))
                    {
                        return e.Argument;
                    }
                }

                arrived = _eventArrived.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No '{target}' event matched within {timeout ?? DefaultWait}. Received: {Describe()}");
            }

            await Task.WhenAny(arrived, Task.Delay(left));
        }
    }

    /// <summary>Waits until <paramref name="count"/> events named <paramref name="target"/> have matched, and returns them in arrival order.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForCountAsync(string target, int count, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        while (true)
        {
            Task arrived;
            lock (_eventsGate)
            {
                var found = _events.Where(e => e.Target == target && (match is null || match(e.Argument))).Select(e => e.Argument).ToList();
                if (found.Count >= count)
                {
                    return found;
                }

                arrived = _eventArrived.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Fewer than {count} '{target}' events within {timeout ?? DefaultWait}. Received: {Describe()}");
            }

            await Task.WhenAny(arrived, Task.Delay(left));
        }
    }

    public IReadOnlyList<JsonElement> EventsOf(string target)
    {
        lock (_eventsGate)
        {
            return _events.Where(e => e.Target == target).Select(e => e.Argument).ToList();
        }
    }

    public IReadOnlyList<ServerEvent> AllEvents()
    {
        lock (_eventsGate)
        {
            return _events.ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        if (_reader is not null)
        {
            await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    /// <summary>Closes the socket abruptly, as a phone losing its network would (no close record).</summary>
    public void Abort() => _socket.Abort();

    private string Describe()
    {
        lock (_eventsGate)
        {
            return _events.Count == 0 ? "(nothing)" : string.Join("; ", _events.Select(e => $"{e.Target} {e.Argument.GetRawText()}"));
        }
    }

    private async Task SendRecordAsync(string json, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.UTF8.GetBytes(json + (char)RecordSeparator);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads up to the next record separator; null when the socket closed.</summary>
    private async Task<byte[]?> ReadRecordAsync(ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = buffer.WrittenSpan;
            var end = span.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var record = span[..end].ToArray();
                var rest = span[(end + 1)..].ToArray();
                buffer.Clear();
                buffer.Write(rest);
                return record;
            }

            var memory = buffer.GetMemory(4096);
            var result = await _socket.ReceiveAsync(memory, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
        }
    }

    private async Task ReadLoopAsync(ArrayBufferWriter<byte> buffer)
    {
        CloseInfo close = new(null, false, "socket ended");
        try
        {
            while (await ReadRecordAsync(buffer, _stop.Token) is { } record)
            {
                using var document = JsonDocument.Parse(record);
                var root = document.RootElement;
                switch (root.GetProperty("type").GetInt32())
                {
                    case 1:
                        var target = root.GetProperty("target").GetString()!;
                        var arguments = root.GetProperty("arguments");
                        var argument = arguments.GetArrayLength() > 0 ? arguments[0].Clone() : default;
                        lock (_eventsGate)
                        {
                            _events.Add(new ServerEvent(target, argument, DateTime.UtcNow));
                            var arrived = _eventArrived;
                            _eventArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            arrived.TrySetResult();
                        }

                        break;
                    case 3:
                        var id = root.GetProperty("invocationId").GetString()!;
                        if (_pending.TryRemove(id, out var pending))
                        {
                            pending.TrySetResult(new Completion(
                                root.TryGetProperty("result", out var result) ? result.Clone() : default,
                                root.TryGetProperty("error", out var error) ? error.GetString() : null));
                        }

                        break;
                    case 7:
                        close = new CloseInfo(root.TryGetProperty("error", out var closeError) ? closeError.GetString() : null,
                            root.TryGetProperty("allowReconnect", out var reconnect) && reconnect.GetBoolean(), "close record");
                        return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            close = close with { How = "socket error: " + e.GetType().Name };
        }
        finally
        {
            _closed.TrySetResult(close);
            foreach (var pending in _pending.Values)
            {
                pending.TrySetResult(new Completion(default, "connection closed"));
            }
        }
    }

    private async Task PingLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested && IsOpen)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await SendRecordAsync("""{"type":6}""", _stop.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public sealed record ServerEvent(string Target, JsonElement Argument, DateTime ReceivedAt);

    public sealed record Completion(JsonElement Result, string? Error)
    {
        /// <summary>The stable code of a hub error (<c>not_found</c>, <c>validation_failed</c>...), null on success.</summary>
        public string? Code => CodeOf(Error);
    }

    /// <summary>SignalR sends a hub error as "An unexpected error occurred invoking 'X' on the server. HubException: code: detail".</summary>
    public static string? CodeOf(string? error)
    {
        const string Marker = "HubException: ";
        var at = error?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var rest = error![(at + Marker.Length)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? rest[..colon] : null;
    }

    public sealed record CloseInfo(string? Error, bool AllowReconnect, string How);
}

/// <summary>A hub error returned to the caller; SignalR words it "... HubException: code: detail".</summary>
public sealed class HubErrorException(string message) : Exception(message)
{
    public string? Code => HubClient.CodeOf(Message);
}

public static class HubConnections
{
    /// <summary>
    /// Opens a hub connection through the test server with the token in <c>?access_token=</c>, as browsers must, and
    /// returns once the server has registered it: SignalR answers the handshake before the hub's OnConnectedAsync runs,
    /// but runs no invocation until it has, so one harmless round trip proves it.
    /// </summary>
    public static async Task<HubClient> ConnectHubAsync(this SpotlightApp app, string? accessToken)
    {
        var socket = await app.OpenHubSocketAsync(accessToken);
        var hub = await HubClient.StartAsync(socket);
        await hub.InvokeAsync("LeaveLive", Guid.Empty.ToString());
        return hub;
    }

    public static Task<HubClient> ConnectHubAsync(this SpotlightApp app, TestUser user) => app.ConnectHubAsync(user.AccessToken);

    public static Task<WebSocket> OpenHubSocketAsync(this SpotlightApp app, string? accessToken)
    {
        var client = app.Server.CreateWebSocketClient();
        var query = accessToken is null ? "" : "?access_token=" + Uri.EscapeDataString(accessToken);
        return client.ConnectAsync(new Uri("ws://localhost/hubs/realtime" + query), CancellationToken.None);
    }
}
