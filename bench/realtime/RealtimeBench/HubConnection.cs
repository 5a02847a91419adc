using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace RealtimeBench;

/// <summary>One delivery seen by a connection: which message, in which conversation, and how long after it was sent.</summary>
internal readonly record struct Delivery(Guid MessageId, Guid ConversationId, long Sequence, Guid SenderId, string ClientMessageId, long SentAt, double LatencyMs);

/// <summary>
/// A lean SignalR JSON-protocol client (handshake, records ended by 0x1E, invocations, completions, pings), enough to hold
/// thousands of connections from one process and time every <c>message</c> event it receives.
/// </summary>
internal sealed class HubConnection : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string?>> _pending = new();
    private readonly Action<HubConnection, Delivery> _onMessage;
    private int _nextId;
    private Task? _reader;

    public HubConnection(Guid userId, Action<HubConnection, Delivery> onMessage)
    {
        UserId = userId;
        _onMessage = onMessage;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public Guid UserId { get; }

    public bool Closed { get; private set; }

    public string? CloseReason { get; private set; }

    public async Task ConnectAsync(Uri hub, string accessToken, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(new Uri(hub + "?access_token=" + Uri.EscapeDataString(accessToken)), cancellationToken);
        await SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var handshake = await ReadRecordAsync(buffer, cancellationToken) ?? throw new InvalidOperationException("closed during handshake");
        if (handshake.Length > 2)
        {
            throw new InvalidOperationException("handshake refused: " + Encoding.UTF8.GetString(handshake));
        }

        _reader = Task.Run(() => ReadLoopAsync(buffer), CancellationToken.None);
        // SignalR runs no invocation before OnConnectedAsync completes: one round trip means the server has registered us.
        var ready = await InvokeAsync("LeaveLive", [Guid.Empty.ToString()]);
        if (ready is not null)
        {
            throw new InvalidOperationException("not ready: " + ready);
        }
    }

    /// <summary>Invokes a hub method; returns null on success, else the error text.</summary>
    public async Task<string?> InvokeAsync(string target, object?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pending = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        var json = JsonSerializer.SerializeToUtf8Bytes(new InvocationRecord(1, id.ToString(System.Globalization.CultureInfo.InvariantCulture), target, arguments));
        var record = new byte[json.Length + 1];
        json.CopyTo(record, 0);
        record[^1] = RecordSeparator;
        try
        {
            await SendAsync(record, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            _pending.TryRemove(id, out _);
            return "send failed: " + e.Message;
        }

        return await pending.Task;
    }

    public Task PingAsync() => Closed ? Task.CompletedTask : SendAsync(Ping, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        if (_reader is not null)
        {
            await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task<byte[]?> ReadRecordAsync(ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = buffer.WrittenSpan.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var record = buffer.WrittenSpan[..end].ToArray();
                var rest = buffer.WrittenSpan[(end + 1)..].ToArray();
                buffer.Clear();
                buffer.Write(rest);
                return record;
            }

            var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
        }
    }

    private async Task ReadLoopAsync(ArrayBufferWriter<byte> buffer)
    {
        try
        {
            while (await ReadRecordAsync(buffer, CancellationToken.None) is { } record)
            {
                var received = Stopwatch.GetTimestamp();
                using var document = JsonDocument.Parse(record);
                var root = document.RootElement;
                switch (root.GetProperty("type").GetInt32())
                {
                    case 1 when root.GetProperty("target").ValueEquals("message"u8):
                        var message = root.GetProperty("arguments")[0];
                        var text = message.GetProperty("text").GetString() ?? "";
                        var sentAt = long.Parse(text.AsSpan(0, text.IndexOf(' ', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
                        _onMessage(this, new Delivery(message.GetProperty("id").GetGuid(), message.GetProperty("conversationId").GetGuid(),
                            message.GetProperty("sequence").GetInt64(), message.GetProperty("senderId").GetGuid(),
                            message.GetProperty("clientMessageId").GetString()!, sentAt, Stopwatch.GetElapsedTime(sentAt, received).TotalMilliseconds));
                        break;
                    case 3:
                        var id = int.Parse(root.GetProperty("invocationId").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                        if (_pending.TryRemove(id, out var pending))
                        {
                            pending.TrySetResult(root.TryGetProperty("error", out var error) ? error.GetString() : null);
                        }

                        break;
                    case 7:
                        CloseReason = root.TryGetProperty("error", out var reason) ? reason.GetString() : "closed by server";
                        return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            CloseReason ??= e.GetType().Name + ": " + e.Message;
        }
        finally
        {
            Closed = true;
            foreach (var pending in _pending.Values)
            {
                pending.TrySetResult("connection closed");
            }
        }
    }

    private sealed record InvocationRecord(
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] int Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("invocationId")] string InvocationId,
        [property: System.Text.Json.Serialization.JsonPropertyName("target")] string Target,
        [property: System.Text.Json.Serialization.JsonPropertyName("arguments")] object?[] Arguments);
}
