using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RealtimeBench;

// Usage: RealtimeBench --url http://127.0.0.1:5099 --server-pid PID [--connections 10000] [--hold 60]
//        [--conversations 1000] [--rate 2000] [--group 256] [--group-rate 50] [--duration 60] [--phases connections,latency,fanout]
var options = Options.Parse(args);
var hub = new Uri(options.Url.Replace("http", "ws", StringComparison.Ordinal) + "/hubs/realtime");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };
var server = new ServerProbe(options.ServerPid);
var results = new Dictionary<string, object>
{
    ["machine"] = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB visible",
    ["startedAt"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
};

var userCount = Math.Max(options.Connections, Math.Max(options.Conversations * 2, options.GroupSize));
Console.Error.WriteLine($"Registering {userCount} users...");
var clock = Stopwatch.StartNew();
var users = await Api.RegisterAsync(http, userCount);
results["registration"] = new { users = userCount, seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
await server.WaitUntilIdleAsync();

var jsonOptions = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
foreach (var (phase, run) in new (string, Func<Task<object>>)[] { ("connections", ConnectionsPhase), ("latency", LatencyPhase), ("fanout", FanoutPhase) })
{
    if (options.Phases.Contains(phase))
    {
        results[phase] = await run();
        Console.Error.WriteLine(JsonSerializer.Serialize(results[phase], jsonOptions)); // kept even if a later phase fails
    }
}

Console.WriteLine(JsonSerializer.Serialize(results, jsonOptions));
return 0;

async Task<object> ConnectionsPhase()
{
    var before = server.RssBytes();
    Console.Error.WriteLine($"Connecting {options.Connections} (server RSS {before / 1048576.0:F0} MiB)...");
    var clock = Stopwatch.StartNew();
    var connections = await ConnectAsync(users.Take(options.Connections).ToList(), (_, _) => { });
    var connectSeconds = clock.Elapsed.TotalSeconds;
    await server.WaitUntilIdleAsync();
    var connected = server.RssBytes();
    Console.Error.WriteLine($"Holding {connections.Count} connections for {options.Hold} s (server RSS {connected / 1048576.0:F0} MiB)...");
    var cpu = server.CpuSeconds();
    using (Pinger.Start(connections))
    {
        await Task.Delay(TimeSpan.FromSeconds(options.Hold));
    }

    var idleCpu = (server.CpuSeconds() - cpu) / options.Hold;
    var held = server.RssBytes();
    var open = connections.Count(c => !c.Closed);
    var closeReasons = connections.Where(c => c.Closed).GroupBy(c => c.CloseReason ?? "?").ToDictionary(g => g.Key, g => g.Count());
    await DisposeAllAsync(connections);
    await server.WaitUntilIdleAsync();
    var after = server.RssBytes();
    return new
    {
        connections = options.Connections,
        stillOpenAfterHold = open,
        closeReasons,
        connectSeconds = Math.Round(connectSeconds, 1),
        connectsPerSecond = Math.Round(options.Connections / connectSeconds),
        serverRssMiB = new { before = Mib(before), connected = Mib(connected), afterHold = Mib(held), afterClose = Mib(after) },
        rssPerConnectionKiB = Math.Round((held - before) / 1024.0 / options.Connections, 1),
        idleCpuPercentOfOneCore = Math.Round(idleCpu * 100, 1),
        holdSeconds = options.Hold,
    };
}

async Task<object> LatencyPhase()
{
    var pairs = new List<(User A, User B, Guid Conversation)>();
    Console.Error.WriteLine($"Creating {options.Conversations} direct conversations...");
    await Parallel.ForEachAsync(Enumerable.Range(0, options.Conversations), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
    {
        var (a, b) = (users[2 * i], users[2 * i + 1]);
        var id = await Api.ConversationAsync(http, a, [b.Id], null);
        lock (pairs)
        {
            pairs.Add((a, b, id));
        }
    });
    var recorder = new Recorder(options.Rate * (options.Duration + 15));
    var connections = await ConnectAsync(pairs.SelectMany(p => new[] { p.A, p.B }).ToList(), recorder.Record);
    var byUser = connections.ToDictionary(c => c.UserId);
    var peers = pairs.SelectMany(p => new[] { (p.A.Id, p.B.Id), (p.B.Id, p.A.Id) }).ToDictionary(x => x.Item1, x => x.Item2);
    pairs.Sort((x, y) => x.Conversation.CompareTo(y.Conversation));
    Console.Error.WriteLine($"Sending {options.Rate} msg/s over {pairs.Count} conversations for {options.Duration} s (plus 5 s warm-up)...");
    using var ping = Pinger.Start(connections);
    var run = await Pace(options.Rate, options.Duration, k =>
    {
        var pair = pairs[k % pairs.Count];
        var sender = (k / pairs.Count) % 2 == 0 ? pair.A : pair.B;
        return (byUser[sender.Id], pair.Conversation);
    }, recorder);
    await Task.Delay(TimeSpan.FromSeconds(5)); // let the last deliveries arrive
    var report = recorder.Report(run, expected: sent => [peers[sent.Sender]]);
    await DisposeAllAsync(connections);
    await server.WaitUntilIdleAsync();
    return report;
}

async Task<object> FanoutPhase()
{
    var members = users.Take(options.GroupSize).ToList();
    var group = await Api.ConversationAsync(http, members[0], members.Skip(1).Select(m => m.Id).ToArray(), "bench group");
    var recorder = new Recorder(options.GroupRate * (options.Duration + 15) * options.GroupSize);
    var connections = await ConnectAsync(members, recorder.Record);
    Console.Error.WriteLine($"Sending {options.GroupRate} msg/s to a group of {options.GroupSize} for {options.Duration} s (plus 5 s warm-up)...");
    using var ping = Pinger.Start(connections);
    var run = await Pace(options.GroupRate, options.Duration, k => (connections[k % connections.Count], group), recorder);
    await Task.Delay(TimeSpan.FromSeconds(5));
    var everyone = members.Select(m => m.Id).ToArray();
    var report = recorder.Report(run, expected: sent => everyone.Where(id => id != sent.Sender));
    await DisposeAllAsync(connections);
    return report;
}

async Task<PaceResult> Pace(int rate, int seconds, Func<int, (HubConnection Sender, Guid Conversation)> pick, Recorder recorder)
{
    var warmup = TimeSpan.FromSeconds(5);
    var total = warmup + TimeSpan.FromSeconds(seconds);
    var sends = new ConcurrentBag<Task>();
    var failures = new ConcurrentDictionary<string, int>();
    var cpuStart = 0.0;
    var measuredFrom = 0L;
    var start = Stopwatch.GetTimestamp();
    var k = 0;
    while (true)
    {
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (elapsed >= total)
        {
            break;
        }

        if (measuredFrom == 0 && elapsed >= warmup)
        {
            measuredFrom = Stopwatch.GetTimestamp();
            cpuStart = server.CpuSeconds();
            recorder.StartMeasuring(measuredFrom);
        }

        var due = (int)(elapsed.TotalSeconds * rate);
        for (; k < due; k++)
        {
            var (sender, conversation) = pick(k);
            var clientMessageId = $"b{k}";
            var text = $"{Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)} benchmark message {k}, about as long as a chat line.";
            recorder.Sent(clientMessageId, sender.UserId);
            sends.Add(Task.Run(async () =>
            {
                var error = await sender.InvokeAsync("SendMessage", [conversation.ToString(), clientMessageId, text]);
                if (error is null)
                {
                    recorder.Acknowledged(clientMessageId);
                }
                else
                {
                    failures.AddOrUpdate(error.Length > 120 ? error[..120] : error, 1, (_, n) => n + 1);
                }
            }));
        }

        await Task.Delay(1);
    }

    var measuredSeconds = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
    var cpu = (server.CpuSeconds() - cpuStart) / measuredSeconds;
    await Task.WhenAll(sends);
    return new PaceResult(k, measuredSeconds, cpu, failures.ToDictionary());
}

async Task<List<HubConnection>> ConnectAsync(List<User> who, Action<HubConnection, Delivery> onMessage)
{
    var connections = new ConcurrentBag<HubConnection>();
    var errors = new ConcurrentDictionary<string, int>();
    await Parallel.ForEachAsync(who, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (user, ct) =>
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = new HubConnection(user.Id, onMessage);
            try
            {
                await connection.ConnectAsync(hub, user.Token, ct);
                connections.Add(connection);
                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                errors.AddOrUpdate(e.GetType().Name + ": " + e.Message, 1, (_, n) => n + 1);
                await connection.DisposeAsync();
                await Task.Delay(200 * attempt, ct);
            }
        }
    });
    foreach (var (error, count) in errors)
    {
        Console.Error.WriteLine($"  connect retried {count}x: {error}");
    }

    var byUser = who.Select((u, i) => (u.Id, i)).ToDictionary(x => x.Id, x => x.i);
    return connections.OrderBy(c => byUser[c.UserId]).ToList();
}

static async Task DisposeAllAsync(List<HubConnection> connections) =>
    await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (c, _) => await c.DisposeAsync());

static double Mib(long bytes) => Math.Round(bytes / 1048576.0, 1);

internal sealed record User(Guid Id, string Token);

internal sealed record PaceResult(int Sent, double MeasuredSeconds, double ServerCpu, Dictionary<string, int> SendErrors);

internal sealed record Options(string Url, int ServerPid, int Connections, int Hold, int Conversations, int Rate, int GroupSize, int GroupRate, int Duration, string[] Phases)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        int Int(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new Options(Get("url", "http://127.0.0.1:5099"), Int("server-pid", 0), Int("connections", 10_000), Int("hold", 60), Int("conversations", 1000),
            Int("rate", 2000), Int("group", 256), Int("group-rate", 50), Int("duration", 60), Get("phases", "connections,latency,fanout").Split(','));
    }
}

/// <summary>Registers users and creates conversations through the REST API, as an app would.</summary>
internal static class Api
{
    public static async Task<List<User>> RegisterAsync(HttpClient http, int count)
    {
        var users = new User[count];
        var run = Guid.NewGuid().ToString("N")[..6];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var handle = $"b{run}_{i}";
            var response = await http.PostAsJsonAsync("/api/v1/auth/register", new { email = handle + "@bench.example", password = "bench-Pass-" + run + "-long", handle }, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            users[i] = new User(body.GetProperty("user").GetProperty("id").GetGuid(), body.GetProperty("accessToken").GetString()!);
        });
        return users.ToList();
    }

    public static async Task<Guid> ConversationAsync(HttpClient http, User creator, Guid[] members, string? title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/conversations") { Content = JsonContent.Create(new { memberIds = members, title }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", creator.Token);
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}

/// <summary>Pings every open connection every 15 s (the server drops a client silent for 30 s).</summary>
internal sealed class Pinger : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public static Pinger Start(List<HubConnection> connections)
    {
        var pinger = new Pinger();
        _ = Task.Run(async () =>
        {
            while (!pinger._stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(15), pinger._stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                foreach (var connection in connections)
                {
                    try
                    {
                        await connection.PingAsync();
                    }
                    catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
                    {
                    }
                }
            }
        });
        return pinger;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}

/// <summary>Reads the server's resident memory and CPU time from /proc.</summary>
internal sealed class ServerProbe(int pid)
{
    private const double TicksPerSecond = 100; // getconf CLK_TCK on Linux

    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Waits (up to a minute) until the server uses under 5% of a core for 3 s: background work (emails, presence) is done.</summary>
    public async Task WaitUntilIdleAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            var cpu = CpuSeconds();
            await Task.Delay(TimeSpan.FromSeconds(3));
            if ((CpuSeconds() - cpu) / 3 < 0.05)
            {
                return;
            }
        }
    }
}

/// <summary>Records sends, acknowledgements and deliveries; checks loss, duplicates and order; computes latency percentiles.</summary>
internal sealed class Recorder(int capacity)
{
    private readonly double[] _latencies = new double[capacity];
    private readonly ConcurrentDictionary<string, Guid> _sent = new();
    private readonly ConcurrentDictionary<string, bool> _acknowledged = new();
    private readonly ConcurrentDictionary<(string ClientMessageId, Guid Receiver), int> _deliveries = new();
    private readonly ConcurrentDictionary<(Guid Receiver, Guid Conversation), long> _lastSequence = new();
    private int _count;
    private int _outOfOrder;
    private long _measuringFrom = long.MaxValue;

    public void StartMeasuring(long timestamp) => Interlocked.Exchange(ref _measuringFrom, timestamp);

    public void Sent(string clientMessageId, Guid sender) => _sent[clientMessageId] = sender;

    public void Acknowledged(string clientMessageId) => _acknowledged[clientMessageId] = true;

    public void Record(HubConnection receiver, Delivery delivery)
    {
        if (delivery.SenderId == receiver.UserId)
        {
            return; // the sender's own device hearing its message
        }

        _deliveries.AddOrUpdate((delivery.ClientMessageId, receiver.UserId), 1, (_, n) => n + 1);
        var key = (receiver.UserId, delivery.ConversationId);
        var previous = _lastSequence.GetOrAdd(key, 0);
        if (delivery.Sequence <= previous)
        {
            Interlocked.Increment(ref _outOfOrder);
        }

        _lastSequence[key] = Math.Max(previous, delivery.Sequence);
        if (delivery.SentAt >= Interlocked.Read(ref _measuringFrom))
        {
            var slot = Interlocked.Increment(ref _count) - 1;
            if (slot < _latencies.Length)
            {
                _latencies[slot] = delivery.LatencyMs;
            }
        }
    }

    public object Report(PaceResult run, Func<(string ClientMessageId, Guid Sender), IEnumerable<Guid>> expected)
    {
        var lost = 0;
        var duplicated = 0;
        var expectedDeliveries = 0;
        foreach (var clientMessageId in _acknowledged.Keys)
        {
            foreach (var receiver in expected((clientMessageId, _sent[clientMessageId])))
            {
                expectedDeliveries++;
                var got = _deliveries.GetValueOrDefault((clientMessageId, receiver));
                if (got == 0)
                {
                    lost++;
                }
                else if (got > 1)
                {
                    duplicated += got - 1;
                }
            }
        }

        var samples = _latencies.AsSpan(0, Math.Min(_count, _latencies.Length)).ToArray();
        Array.Sort(samples);
        double At(double p) => samples.Length == 0 ? double.NaN : Math.Round(samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(p * samples.Length) - 1)], 2);
        return new
        {
            sent = run.Sent,
            acknowledged = _acknowledged.Count,
            sendErrors = run.SendErrors,
            measuredSeconds = Math.Round(run.MeasuredSeconds, 1),
            messagesPerSecond = Math.Round(_acknowledged.Count / (run.MeasuredSeconds + 5), 0),
            expectedDeliveries,
            lost,
            duplicated,
            outOfOrder = _outOfOrder,
            latencyMs = new { samples = samples.Length, p50 = At(0.50), p90 = At(0.90), p99 = At(0.99), p999 = At(0.999), max = samples.Length == 0 ? double.NaN : Math.Round(samples[^1], 2) },
            serverCpuPercentOfOneCore = Math.Round(run.ServerCpu * 100, 1),
        };
    }
}
