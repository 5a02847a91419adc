using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

// Usage: LiveBench --url URL --admin-email E --admin-password P [--server-pid PID] [--pg CONNECTION]
//        [--viewers 2000] [--rate 50] [--duration 60] [--users 1000000] [--reads 500] [--phases gifts,leaderboard]
//        [--receiver raw|signalr] (raw: bare WebSockets scanning each record, see RawViewer; signalr: the official client)
//        [--target spotlight|bare] (bare: bench/live/BareHub, the ceiling; no admin, no leaderboard)
// Prints the results as JSON on stdout, progress on stderr.
var options = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };
var api = new Api(http);
var jsonOptions = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
var results = new Dictionary<string, object>
{
    ["machine"] = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB visible",
    ["startedAt"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
};
var admin = options.Target == "bare" ? "" : await api.LoginAsync(options.AdminEmail, options.AdminPassword);
foreach (var (phase, run) in new (string, Func<Task<object>>)[] { ("gifts", GiftsPhase), ("leaderboard", LeaderboardPhase) })
{
    if (options.Phases.Contains(phase))
    {
        results[phase] = await run();
        Console.Error.WriteLine(JsonSerializer.Serialize(results[phase], jsonOptions));
    }
}

Console.WriteLine(JsonSerializer.Serialize(results, jsonOptions));
return 0;

// One live, N viewers on the hub, gifts at a steady rate into it: every viewer must receive every gift. With --target bare,
// the same against bench/live/BareHub (a hub and a POST /gift that sends a same-size `gift` to a group): the box's ceiling.
async Task<object> GiftsPhase()
{
    var bare = options.Target == "bare";
    var senderCount = Math.Max(1, Math.Min(options.Rate, 200));
    User creator;
    List<User> senders, viewers;
    string liveId;
    if (bare)
    {
        creator = new User(Guid.NewGuid(), "", "", "");
        senders = [.. Enumerable.Range(0, senderCount).Select(_ => new User(Guid.NewGuid(), "", "", ""))];
        viewers = [.. Enumerable.Range(0, options.Viewers).Select(_ => new User(Guid.NewGuid(), "", "", ""))];
        liveId = Guid.NewGuid().ToString();
    }
    else
    {
        Console.Error.WriteLine($"Registering a creator, {senderCount} senders and {options.Viewers} viewers...");
        creator = await api.RegisterAsync("c");
        await api.SendAsync(HttpMethod.Put, $"/api/v1/admin/users/{creator.Id}/roles", admin, new { roles = new[] { "user", "creator" } });
        creator = creator with { Token = await api.LoginAsync(creator.Email, creator.Password) }; // a token with the new role
        var live = await api.SendAsync(HttpMethod.Post, "/api/v1/live", creator.Token, new { title = "bench live", visibility = "public" });
        liveId = live.GetProperty("id").GetGuid().ToString();
        senders = await api.RegisterManyAsync("s", senderCount);
        await Parallel.ForEachAsync(senders, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (s, _) =>
            await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/wallets/{s.Id}/adjustments", admin, new { amount = 100_000_000, reason = "benchmark funding" }, idempotent: true));
        viewers = await api.RegisterManyAsync("v", options.Viewers);
    }

    var expectedPerViewer = options.Rate * (options.Duration + 2);
    var recorder = new GiftRecorder(options.Viewers, expectedPerViewer);
    Console.Error.WriteLine($"Connecting {options.Viewers} {options.Receiver} viewers to the {options.Target} hub and joining live {liveId}...");
    var hub = new Uri(options.Url + (bare ? "/hubs/bench" : "/hubs/realtime"));
    var joinMethod = bare ? "Join" : "JoinLive";
    var connections = new HubConnection[viewers.Count];
    var rawViewers = new RawViewer[viewers.Count];
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, viewers.Count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
    {
        var token = bare ? null : viewers[i].Token;
        if (options.Receiver == "raw")
        {
            var viewer = await RawViewer.ConnectAsync(http, hub, token, i, recorder.Received, ct);
            await viewer.InvokeAsync(joinMethod, [liveId], ct);
            viewer.StartReceiving();
            rawViewers[i] = viewer;
            return;
        }

        var connection = new HubConnectionBuilder()
            .WithUrl(hub, HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(token);
            })
            .Build();
        connection.On<JsonElement>("gift", gift => recorder.Received(i, gift.GetProperty("transactionId").GetGuid(), gift.GetProperty("sentAt").GetDateTime().ToUniversalTime()));
        await connection.StartAsync(ct);
        await connection.InvokeAsync(joinMethod, liveId, ct);
        connections[i] = connection;
    });
    // Raw viewers ping every 10 s, as the official client does: a server that hears nothing for 30 s drops the connection.
    using var pinging = new CancellationTokenSource();
    var pinger = options.Receiver == "raw" ? Task.Run(async () =>
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), pinging.Token);
                foreach (var viewer in rawViewers)
                {
                    await viewer.PingAsync(pinging.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }) : Task.CompletedTask;
    var connectSeconds = clock.Elapsed.TotalSeconds;
    var viewerCount = bare ? options.Viewers : (await api.GetAsync($"/api/v1/live/{liveId}", null)).GetProperty("viewerCount").GetInt32();

    Console.Error.WriteLine($"Sending {options.Rate} gifts/s into the live for {options.Duration} s...");
    var load = new LoadProbe(options.ServerPid);
    var self = new LoadProbe(Environment.ProcessId); // the load client's own CPU
    var before = load.Take();
    var clientBefore = self.Take();
    var acknowledged = new ConcurrentDictionary<Guid, bool>();
    var errors = new ConcurrentDictionary<string, int>();
    var total = options.Rate * options.Duration;
    var inFlight = new List<Task>(total);
    clock.Restart();
    for (var k = 0; k < total; k++)
    {
        var due = TimeSpan.FromSeconds((double)k / options.Rate);
        if (due > clock.Elapsed)
        {
            await Task.Delay(due - clock.Elapsed);
        }

        var sender = senders[k % senders.Count];
        inFlight.Add(Task.Run(async () =>
        {
            try
            {
                var gift = bare
                    ? await api.SendAsync(HttpMethod.Post, $"/gift?group={liveId}&sender={sender.Id}&recipient={creator.Id}", null, null)
                    : await api.SendAsync(HttpMethod.Post, "/api/v1/gifts", sender.Token,
                        new { recipientId = creator.Id, giftId = "rose", quantity = 1, liveSessionId = liveId }, idempotent: true);
                acknowledged[gift.GetProperty("transactionId").GetGuid()] = true;
            }
            catch (Exception e)
            {
                errors.AddOrUpdate(e.Message.Length > 80 ? e.Message[..80] : e.Message, 1, (_, n) => n + 1);
            }
        }));
    }

    await Task.WhenAll(inFlight);
    var sendSeconds = clock.Elapsed.TotalSeconds;
    // The last gifts' deliveries: wait until every viewer has every acknowledged gift, or 10 s.
    var drain = Stopwatch.StartNew();
    while (recorder.Missing(acknowledged.Keys) > 0 && drain.Elapsed < TimeSpan.FromSeconds(10))
    {
        await Task.Delay(200);
    }

    var after = load.Take();
    var clientAfter = self.Take();
    var report = recorder.Report(acknowledged.Keys);
    await pinging.CancelAsync();
    await pinger;
    await Parallel.ForEachAsync(connections.Where(c => c is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
    await Parallel.ForEachAsync(rawViewers.Where(v => v is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (v, _) => await v.CloseAsync());
    if (!bare)
    {
        await api.SendAsync(HttpMethod.Post, $"/api/v1/live/{liveId}/end", creator.Token, null);
    }

    return new
    {
        target = options.Target,
        receiver = options.Receiver,
        viewers = options.Viewers,
        viewerCountShown = viewerCount,
        connectSeconds = Math.Round(connectSeconds, 1),
        giftsPerSecond = options.Rate,
        durationSeconds = options.Duration,
        sent = total,
        acknowledged = acknowledged.Count,
        sendErrors = errors,
        achievedGiftsPerSecond = Math.Round(acknowledged.Count / sendSeconds, 1),
        expectedDeliveries = (long)acknowledged.Count * options.Viewers,
        delivered = report.Delivered,
        lost = report.Lost,
        duplicated = report.Duplicated,
        commitToReceiptMs = report.Latency,
        loadAverage = new { before = before.LoadAverage, after = after.LoadAverage },
        serverCpuPercentOfOneCore = before.CpuSeconds is { } c0 && after.CpuSeconds is { } c1 ? Math.Round((c1 - c0) / (after.At - before.At).TotalSeconds * 100, 1) : (double?)null,
        clientCpuPercentOfOneCore = clientBefore.CpuSeconds is { } d0 && clientAfter.CpuSeconds is { } d1 ? Math.Round((d1 - d0) / (clientAfter.At - clientBefore.At).TotalSeconds * 100, 1) : (double?)null,
    };
}

// Reads of one board with N scored users, seeded with SQL: the top 50, and "me" for callers at several depths.
async Task<object> LeaderboardPhase()
{
    if (options.Pg is null)
    {
        return new { skipped = "needs --pg (the database's connection string) to seed scores" };
    }

    var n = options.Users;
    var depths = new[] { 1, 100, 10_000, n / 2, n }.Where(d => d >= 1 && d <= n).Distinct().Order().ToArray();
    var probes = await api.RegisterManyAsync("p", depths.Length);
    Console.Error.WriteLine($"Seeding {n} scores on gifters/all (0.1 % of their users banned)...");
    var clock = Stopwatch.StartNew();
    await using var pg = new NpgsqlConnection(options.Pg);
    await pg.OpenAsync();
    await ExecAsync(pg, """
        DELETE FROM leaderboard_scores WHERE "Board" = 'gifters' AND "Period" = 'all';
        -- Scores skewed low (many ties, as on a real board); reached at some time in the last 30 days.
        CREATE TEMP TABLE seeded AS SELECT gen_random_uuid() AS id, i, 1 + floor(power(random(), 4) * 1000000)::bigint AS score,
            now() - random() * interval '30 days' AS reached FROM generate_series(1, @n) AS i;
        -- A user row only where a read looks one up: the top (the cards of the top 50) and every 1000th, banned (the ranks
        -- leave them out). A rank counts scores and never reads users, so the other rows would only make seeding slow
        -- (about 570 s for a million full rows).
        INSERT INTO users
        SELECT (jsonb_populate_record(NULL::users, to_jsonb(u) || jsonb_build_object(
            'Id', s.id, 'UserName', 'lb' || s.i, 'NormalizedUserName', 'LB' || s.i, 'Email', 'lb' || s.i || '@bench.example',
            'NormalizedEmail', 'LB' || s.i || '@BENCH.EXAMPLE', 'SecurityStamp', md5(s.id::text), 'ConcurrencyStamp', md5(s.i::text),
            'BannedAt', CASE WHEN s.i % 1000 = 0 THEN to_jsonb(now()) ELSE 'null'::jsonb END))).*
        FROM users u CROSS JOIN (SELECT * FROM seeded WHERE i % 1000 = 0
            UNION SELECT * FROM (SELECT * FROM seeded ORDER BY score DESC LIMIT 2000) AS top) AS s WHERE u."Id" = @template;
        INSERT INTO leaderboard_scores ("Board", "Period", "UserId", "Score", "ReachedAt") SELECT 'gifters', 'all', id, score, reached FROM seeded;
        ANALYZE users; ANALYZE leaderboard_scores;
        """, ("n", n), ("template", probes[0].Id));
    var seedSeconds = clock.Elapsed.TotalSeconds;
    // Each probe takes the score at its depth, reached long ago: it ranks first among those with that score.
    for (var i = 0; i < depths.Length; i++)
    {
        await ExecAsync(pg, """
            INSERT INTO leaderboard_scores ("Board", "Period", "UserId", "Score", "ReachedAt")
            SELECT 'gifters', 'all', @user, "Score", timestamptz '2000-01-01' FROM leaderboard_scores
            WHERE "Board" = 'gifters' AND "Period" = 'all' ORDER BY "Score" DESC, "ReachedAt", "UserId" OFFSET @offset LIMIT 1
            ON CONFLICT ("Board", "Period", "UserId") DO UPDATE SET "Score" = excluded."Score", "ReachedAt" = excluded."ReachedAt";
            """, ("user", probes[i].Id), ("offset", depths[i] - 1));
    }

    const string path = "/api/v1/leaderboards/gifters?period=all&limit=50";
    Console.Error.WriteLine($"Reading the board {options.Reads} times anonymously and as callers at depths {string.Join(", ", depths)}...");
    var top = await TimeReadsAsync(path, null);
    var me = new List<object>();
    for (var i = 0; i < depths.Length; i++)
    {
        // The first read of a deep rank counts every row ahead (and has the board copied for the next ones): timed apart.
        var cold = Stopwatch.GetTimestamp();
        var first = (await api.GetAsync(path, probes[i].Token)).GetProperty("me").GetProperty("rank").GetInt32();
        var coldMs = Math.Round(Stopwatch.GetElapsedTime(cold).TotalMilliseconds, 1);
        var latency = await TimeReadsAsync(path, probes[i].Token);
        var rank = (await api.GetAsync(path, probes[i].Token)).GetProperty("me").GetProperty("rank").GetInt32();
        me.Add(new { depth = depths[i], firstRank = first, rank, coldMs, latencyMs = latency });
    }

    return new { scoredUsers = n, bannedEveryThousandth = true, seedSeconds = Math.Round(seedSeconds, 1), reads = options.Reads, top50Anonymous = top, me };
}

async Task<Percentiles> TimeReadsAsync(string path, string? token)
{
    for (var i = 0; i < 20; i++)
    {
        await api.GetAsync(path, token); // warm-up
    }

    await Task.Delay(TimeSpan.FromSeconds(2)); // a deep rank's board copy, started by the first read, is made by now

    var samples = new double[options.Reads];
    for (var i = 0; i < samples.Length; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await api.GetAsync(path, token);
        samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    return Percentiles.Of(samples);
}

static async Task ExecAsync(NpgsqlConnection pg, string sql, params (string Name, object Value)[] parameters)
{
    await using var command = new NpgsqlCommand(sql, pg) { CommandTimeout = 3600 };
    foreach (var (name, value) in parameters)
    {
        command.Parameters.AddWithValue(name, value);
    }

    await command.ExecuteNonQueryAsync();
}

internal sealed record Options(string Url, string AdminEmail, string AdminPassword, int ServerPid, string? Pg, int Viewers, int Rate, int Duration, int Users, int Reads, string[] Phases,
    string Receiver, string Target)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int Int(string name, int fallback) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        var target = Get("target") ?? "spotlight";
        var receiver = Get("receiver") ?? "raw";
        if (target is not ("spotlight" or "bare") || receiver is not ("raw" or "signalr"))
        {
            throw new ArgumentException("--target spotlight|bare, --receiver raw|signalr");
        }

        var bare = target == "bare";
        return new Options(Get("url") ?? "http://127.0.0.1:5099", Get("admin-email") ?? (bare ? "" : throw new ArgumentException("--admin-email")),
            Get("admin-password") ?? (bare ? "" : throw new ArgumentException("--admin-password")), Int("server-pid", 0), Get("pg"), Int("viewers", 2000), Int("rate", 50),
            Int("duration", 60), Int("users", 1_000_000), Int("reads", 500), (Get("phases") ?? (bare ? "gifts" : "gifts,leaderboard")).Split(','), receiver, target);
    }
}

/// <summary>
/// Every gift each viewer received (by transaction id, so a repeat is a duplicate) and, for each receipt, the time from the
/// gift's ledger time (<c>sentAt</c>, taken in its transaction just before the commit) to its arrival at the viewer. Client
/// and server share the machine's clock.
/// </summary>
internal sealed class GiftRecorder(int viewers, int expectedPerViewer)
{
    private readonly HashSet<Guid>[] _received = Enumerable.Range(0, viewers).Select(_ => new HashSet<Guid>(expectedPerViewer)).ToArray();
    private readonly double[] _latencies = new double[(long)viewers * expectedPerViewer > int.MaxValue / 8 ? int.MaxValue / 8 : viewers * expectedPerViewer];
    private int _count;
    private long _duplicated;

    public void Received(int viewer, Guid id, DateTime sentAtUtc)
    {
        var latency = (DateTime.UtcNow - sentAtUtc).TotalMilliseconds;
        var set = _received[viewer];
        bool added;
        lock (set)
        {
            added = set.Add(id);
        }

        if (!added)
        {
            Interlocked.Increment(ref _duplicated);
            return;
        }

        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot < _latencies.Length)
        {
            _latencies[slot] = latency;
        }
    }

    public long Missing(ICollection<Guid> gifts)
    {
        long missing = 0;
        foreach (var set in _received)
        {
            lock (set)
            {
                missing += gifts.Count(g => !set.Contains(g));
            }
        }

        return missing;
    }

    public (long Delivered, long Lost, long Duplicated, Percentiles Latency) Report(ICollection<Guid> gifts)
    {
        var lost = Missing(gifts);
        var samples = _latencies.AsSpan(0, Math.Min(_count, _latencies.Length)).ToArray();
        return ((long)gifts.Count * _received.Length - lost, lost, Interlocked.Read(ref _duplicated), Percentiles.Of(samples));
    }
}
