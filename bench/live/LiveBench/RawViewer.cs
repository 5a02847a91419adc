using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

/// <summary>
/// A hub viewer that costs the load client as little as possible, so that the measurement is of the server: a bare
/// <see cref="ClientWebSocket"/> speaking SignalR's JSON protocol by hand (negotiate, handshake, one invocation to join,
/// a ping every 10 s so the server does not time it out), and for each received record (0x1e separated) of target
/// <c>gift</c> only the two values the recorder needs (<c>transactionId</c>, <c>sentAt</c>), found by scanning the bytes:
/// no JSON document per message. The server batches whatever is pending for a connection into one WebSocket message,
/// so one receive may hold several records, and one record may span receives.
/// </summary>
internal sealed class RawViewer(ClientWebSocket socket, int index, Action<int, Guid, DateTime> received) : IDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();
    private static readonly byte[] GiftTarget = "\"target\":\"gift\""u8.ToArray();
    private static readonly byte[] TransactionIdKey = "\"transactionId\":"u8.ToArray();
    private static readonly byte[] SentAtKey = "\"sentAt\":"u8.ToArray();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[] _buffer = new byte[16 * 1024];
    private int _filled;
    private Task? _receiving;

    public static async Task<RawViewer> ConnectAsync(HttpClient http, Uri hub, string? accessToken, int index, Action<int, Guid, DateTime> received, CancellationToken ct)
    {
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, hub + "/negotiate?negotiateVersion=1");
        if (accessToken is not null)
        {
            negotiate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await http.SendAsync(negotiate, ct);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var connectionToken = body.RootElement.GetProperty("connectionToken").GetString()!;
        var url = new UriBuilder(hub) { Scheme = hub.Scheme == "https" ? "wss" : "ws" };
        url.Query = "id=" + Uri.EscapeDataString(connectionToken) + (accessToken is null ? "" : "&access_token=" + Uri.EscapeDataString(accessToken));
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR's pings keep it open
        await socket.ConnectAsync(url.Uri, ct);
        var viewer = new RawViewer(socket, index, received);
        await viewer.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), ct);
        var handshake = await viewer.ReadRecordAsync(ct);
        if (handshake.Contains("error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("SignalR handshake refused: " + handshake);
        }

        return viewer;
    }

    /// <summary>Invokes a hub method with string arguments and waits for its completion (before any event is expected).</summary>
    public async Task InvokeAsync(string target, string[] arguments, CancellationToken ct)
    {
        var invocation = JsonSerializer.Serialize(new { type = 1, invocationId = "1", target, arguments });
        await SendAsync(Encoding.UTF8.GetBytes(invocation + "\u001e"), ct);
        while (true)
        {
            var record = await ReadRecordAsync(ct);
            if (!record.Contains("\"type\":3", StringComparison.Ordinal))
            {
                continue; // a ping, or an event that came before the completion (a viewer count)
            }

            if (record.Contains("\"error\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{target} failed: {record}");
            }

            return;
        }
    }

    public void StartReceiving() => _receiving = Task.Run(ReceiveLoopAsync);

    public async Task PingAsync(CancellationToken ct)
    {
        if (socket.State == WebSocketState.Open)
        {
            await SendAsync(Ping, ct);
        }
    }

    public async Task CloseAsync()
    {
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            if (_receiving is not null)
            {
                await Task.WhenAny(_receiving, Task.Delay(2000));
            }
        }
        catch (WebSocketException)
        {
        }

        Dispose();
    }

    public void Dispose()
    {
        socket.Dispose();
        _sending.Dispose();
    }

    private async Task SendAsync(byte[] bytes, CancellationToken ct)
    {
        await _sending.WaitAsync(ct);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next whole record, as text (set-up only).</summary>
    private async Task<string> ReadRecordAsync(CancellationToken ct)
    {
        while (true)
        {
            var end = Array.IndexOf(_buffer, RecordSeparator, 0, _filled);
            if (end >= 0)
            {
                var record = Encoding.UTF8.GetString(_buffer, 0, end);
                Consume(end + 1);
                return record;
            }

            await FillAsync(ct);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var start = 0;
                int end;
                while ((end = Array.IndexOf(_buffer, RecordSeparator, start, _filled - start)) >= 0)
                {
                    Scan(_buffer.AsSpan(start, end - start));
                    start = end + 1;
                }

                Consume(start);
                await FillAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or EndOfStreamException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private void Scan(ReadOnlySpan<byte> record)
    {
        if (record.IndexOf(GiftTarget) < 0)
        {
            return; // a ping or another event
        }

        var id = record.IndexOf(TransactionIdKey);
        var at = record.IndexOf(SentAtKey);
        if (id < 0 || at < 0)
        {
            return;
        }

        received(index, ValueAt(record[(id + TransactionIdKey.Length)..]).GetGuid(), ValueAt(record[(at + SentAtKey.Length)..]).GetDateTime().ToUniversalTime());
    }

    /// <summary>A reader on the one JSON string that starts here (the rest of the record is not looked at).</summary>
    private static Utf8JsonReader ValueAt(ReadOnlySpan<byte> rest)
    {
        var close = rest[1..].IndexOf((byte)'"') + 2;
        var reader = new Utf8JsonReader(rest[..close]);
        reader.Read();
        return reader;
    }

    private void Consume(int count)
    {
        if (count > 0)
        {
            Buffer.BlockCopy(_buffer, count, _buffer, 0, _filled - count);
            _filled -= count;
        }
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_filled == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var result = await socket.ReceiveAsync(_buffer.AsMemory(_filled), ct);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            throw new EndOfStreamException();
        }

        _filled += result.Count;
    }
}
