using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

// Usage: MatchBench --url URL [--server-pid PID] [--pg CONNECTION] [--livekit-port PORT] [--users 2000] [--rate 1000]
//        [--duration 120] [--timeout 10] [--stay-min 5] [--stay-max 20] [--blocks USERS/20]
// USERS users sign up and open a hub connection first. Then joins come at RATE a minute, evenly spaced by the clock
// (open loop: a join does not wait for the one before), each from the user who has been idle longest. A pair stays
// matched STAY-MIN..STAY-MAX s; then one of the two presses `next` (ends the match and re-queues them: a join too, and
// it takes one of the schedule's slots, so joins of both kinds add up to RATE) and the other, told by `matchEnded`, goes
// back to the idle line. Each join is timed from its POST being sent to `matched` on that user's hub connection.
// Prints the results as JSON on stdout, progress on stderr.
var options = Options.Parse(args);
using var fakeLiveKit = options.LiveKitPort > 0 ? FakeLiveKit.Start(options.LiveKitPort, TimeSpan.FromMilliseconds(options.LiveKitDelayMs)) : null;
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(60) };
var api = new Api(http);
var jsonOptions = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
var clock = Stopwatch.StartNew();
// Client and server share the machine's clock: a Stopwatch reading as UTC, to compare with the matches' StartedAt.
var (anchorUtc, anchorTicks) = (DateTime.UtcNow, Stopwatch.GetTimestamp());
DateTime Utc(long ticks) => anchorUtc + Stopwatch.GetElapsedTime(anchorTicks, ticks);

Console.Error.WriteLine($"Registering {options.Users} users...");
var users = await api.RegisterManyAsync("m", options.Users);
var indexOf = users.Select((u, i) => (u.Id, i)).ToDictionary(x => x.Id, x => x.i);
var registerSeconds = clock.Elapsed.TotalSeconds;

// Some blocks (one way is enough: the matcher must honour either direction). Pairs are drawn at random.
var random = new Random(11);
var blocks = new HashSet<(int, int)>();
while (blocks.Count < Math.Min(options.Blocks, options.Users * (options.Users - 1) / 2))
{
    var (a, b) = (random.Next(options.Users), random.Next(options.Users));
    if (a != b)
    {
        blocks.Add((Math.Min(a, b), Math.Max(a, b)));
    }
}

await Parallel.ForEachAsync(blocks, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, _) =>
    await api.SendAsync(HttpMethod.Post, $"/api/v1/users/{users[pair.Item2].Id}/block", users[pair.Item1].Token, null));

var members = users.Select((u, i) => new Member(i, u)).ToArray();
var inFlight = new ConcurrentBag<Task>();
var bench = new MatchRecorder(members);
Console.Error.WriteLine($"Connecting {options.Users} users to the hub...");
clock.Restart();
var hub = new Uri(options.Url + "/hubs/realtime");
await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (member, ct) =>
{
    var token = member.User.Token;
    var connection = new HubConnectionBuilder()
        .WithUrl(hub, HttpTransportType.WebSockets, o =>
        {
            o.SkipNegotiation = true;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .Build();
    connection.On<JsonElement>("matched", e => OnMatched(member, e));
    connection.On<JsonElement>("matchEnded", e => bench.Ended(member, e.GetProperty("matchId").GetGuid()));
    await connection.StartAsync(ct);
    member.Hub = connection;
});
var connectSeconds = clock.Elapsed.TotalSeconds;

// The idle line: everyone at first (shuffled), then whoever's match ended or whose join failed, in that order.
foreach (var member in members.OrderBy(_ => random.Next()))
{
    bench.Idle.Enqueue(member);
}

var total = (int)((long)options.Rate * options.Duration / 60);
Console.Error.WriteLine($"Joining at {options.Rate} a minute for {options.Duration} s ({total} joins, `next` included)...");
var load = new LoadProbe(options.ServerPid);
var before = load.Take();
var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var skipped = 0;
bench.Running = true;
clock.Restart();
for (var k = 0; k < total; k++)
{
    var due = TimeSpan.FromSeconds(k * 60.0 / options.Rate);
    if (due > clock.Elapsed)
    {
        await Task.Delay(due - clock.Elapsed);
    }

    if (bench.TakeBorrowedSlot())
    {
        continue; // a `next` already used this slot
    }

    if (bench.Idle.TryDequeue(out var member))
    {
        inFlight.Add(Task.Run(() => JoinAsync(member, null)));
    }
    else
    {
        skipped++;
    }
}

bench.Running = false; // no more `next` either
var scheduleSeconds = clock.Elapsed.TotalSeconds;
await Task.WhenAll(inFlight);
// The last joins: wait until every waiting user is matched or has waited the timeout.
var timeout = TimeSpan.FromSeconds(options.Timeout);
while (bench.Waiting().Any(j => Stopwatch.GetElapsedTime(j.SentAt) < timeout))
{
    await Task.Delay(100);
}

var after = load.Take();
var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalSeconds;
var database = options.Pg is null ? null : await DatabaseChecksAsync(options.Pg, users.Select(u => u.Id).ToArray());
var startedAt = options.Pg is null ? new Dictionary<Guid, DateTime>() : await MatchStartsAsync(options.Pg, users.Select(u => u.Id).ToArray());
var report = bench.Report(timeout, blocks, startedAt, Utc);
await Parallel.ForEachAsync(members.Where(m => m.Hub is not null), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (m, _) => await m.Hub!.DisposeAsync());
var results = new
{
    machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB visible",
    startedAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    users = options.Users,
    blocks = blocks.Count,
    registerSeconds = Math.Round(registerSeconds, 1),
    connectSeconds = Math.Round(connectSeconds, 1),
    joinsPerMinute = options.Rate,
    durationSeconds = options.Duration,
    stayInMatchSeconds = $"{options.StayMin}-{options.StayMax}",
    scheduledSlots = total,
    slotsWithNoIdleUser = skipped,
    achievedJoinsPerMinute = Math.Round(report.Joins / scheduleSeconds * 60, 1),
    report.Joins,
    report.JoinsByKind,
    report.JoinErrors,
    report.Matched,
    timeoutSeconds = options.Timeout,
    notMatchedWithinTimeout = report.NotMatchedWithinTimeout,
    waitingAtEnd = report.WaitingAtEnd,
    joinToMatchedMs = report.JoinToMatched,
    joinToMatchedMsByKind = report.JoinToMatchedByKind,
    secondJoinToBothMatchedMs = report.SecondJoinToBothMatched,
    secondJoinToPassDecisionMs = report.SecondJoinToDecision,
    passDecisionToBothMatchedMs = report.DecisionToBothMatched,
    matches = report.Matches,
    matchesEndedByNext = report.EndedSeen,
    pairedWhileNotWaiting = report.PairedWhileNotWaiting,
    duplicateMatchedEvents = report.DuplicateEvents,
    matchesNotSeenByBoth = report.NotSeenByBoth,
    partnerMismatches = report.PartnerMismatches,
    blockedPairsMatched = report.BlockedPairsMatched,
    samePairTwiceWithinRun = report.SamePairTwice,
    database,
    liveKitRoomServiceCalls = fakeLiveKit?.Calls,
    liveKitStubDelayMs = options.LiveKitDelayMs,
    loadAverage = new { before = before.LoadAverage, after = after.LoadAverage },
    serverCpuPercentOfOneCore = before.CpuSeconds is { } c0 && after.CpuSeconds is { } c1 ? Math.Round((c1 - c0) / (after.At - before.At).TotalSeconds * 100, 1) : (double?)null,
    clientCpuPercentOfOneCore = Math.Round(clientCpu / (after.At - before.At).TotalSeconds * 100, 1),
};
Console.WriteLine(JsonSerializer.Serialize(results, jsonOptions));
return 0;

// Queue (nextOf null) or `next` out of a match: the user is waiting from the moment the POST leaves.
async Task JoinAsync(Member member, Guid? nextOf)
{
    var join = bench.StartJoin(member, nextOf is null ? "queue" : "next");
    try
    {
        if (nextOf is { } matchId)
        {
            await api.SendAsync(HttpMethod.Post, $"/api/v1/match/{matchId}/next", member.User.Token, null);
        }
        else
        {
            // A mix of filters that all accept each other (none, en, en+es): stored and compared, never a reason to wait.
            string[]? languages = (member.Index % 3) switch { 0 => null, 1 => ["en"], _ => ["en", "es"] };
            await api.SendAsync(HttpMethod.Post, "/api/v1/match/queue", member.User.Token, new { languages });
        }
    }
    catch (Exception e)
    {
        bench.JoinFailed(member, join, e.Message);
    }
}

void OnMatched(Member member, JsonElement matched)
{
    var matchId = matched.GetProperty("matchId").GetGuid();
    var partner = matched.GetProperty("partner").GetProperty("id").GetGuid();
    if (bench.Matched(member, matchId, partner) && indexOf.TryGetValue(partner, out var other) && member.Index < other)
    {
        // The pair's lower-numbered member decides when it ends: after its stay, `next` (if the match is still on).
        var stay = TimeSpan.FromMilliseconds(Random.Shared.Next(options.StayMin * 1000, options.StayMax * 1000 + 1));
        _ = Task.Delay(stay).ContinueWith(_ =>
        {
            if (bench.Running && member.IsIn(matchId))
            {
                bench.BorrowSlot();
                inFlight.Add(JoinAsync(member, matchId));
            }
        }, TaskScheduler.Default);
    }
}

// When each match of these users was decided (the pass's clock, just before it writes the match and commits).
static async Task<Dictionary<Guid, DateTime>> MatchStartsAsync(string connectionString, Guid[] ids)
{
    await using var pg = new NpgsqlConnection(connectionString);
    await pg.OpenAsync();
    await using var command = new NpgsqlCommand("""SELECT "Id", "StartedAt" FROM matches WHERE "UserA" = ANY(@ids)""", pg);
    command.Parameters.AddWithValue("ids", ids);
    await using var reader = await command.ExecuteReaderAsync();
    var starts = new Dictionary<Guid, DateTime>();
    while (await reader.ReadAsync())
    {
        starts[reader.GetGuid(0)] = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
    }

    return starts;
}

// What the database says after the run: matches of these users, and any user in two matches at once.
static async Task<object> DatabaseChecksAsync(string connectionString, Guid[] ids)
{
    await using var pg = new NpgsqlConnection(connectionString);
    await pg.OpenAsync();
    await using var command = new NpgsqlCommand("""
        WITH m AS (SELECT * FROM matches WHERE "UserA" = ANY(@ids) OR "UserB" = ANY(@ids)),
             side AS (SELECT "Id", "UserA" AS "User", "StartedAt", COALESCE("EndedAt", 'infinity') AS "EndedAt" FROM m
                      UNION ALL SELECT "Id", "UserB", "StartedAt", COALESCE("EndedAt", 'infinity') FROM m)
        SELECT (SELECT count(*) FROM m),
               (SELECT count(*) FROM m WHERE "EndedAt" IS NULL),
               (SELECT count(*) FROM side x JOIN side y ON x."User" = y."User" AND x."Id" < y."Id"
                  AND x."StartedAt" < y."EndedAt" AND y."StartedAt" < x."EndedAt"),
               (SELECT count(*) FROM match_queue WHERE "UserId" = ANY(@ids))
        """, pg);
    command.Parameters.AddWithValue("ids", ids);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    return new { matches = reader.GetInt64(0), stillOn = reader.GetInt64(1), userInTwoMatchesAtOnce = reader.GetInt64(2), queuedAtEnd = reader.GetInt64(3) };
}

internal sealed record Options(string Url, int ServerPid, string? Pg, int LiveKitPort, int LiveKitDelayMs, int Users, int Rate, int Duration, int Timeout, int StayMin, int StayMax, int Blocks)
{
    public static Options Parse(string[] args)
    {
        string? Get(string name)
        {
            var at = Array.IndexOf(args, "--" + name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        int Int(string name, int fallback) => Get(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
        var users = Int("users", 2000);
        return new Options(Get("url") ?? "http://127.0.0.1:5099", Int("server-pid", 0), Get("pg"), Int("livekit-port", 0), Int("livekit-delay-ms", 0), users, Int("rate", 1000),
            Int("duration", 120), Int("timeout", 10), Int("stay-min", 5), Int("stay-max", 20), Int("blocks", users / 20));
    }
}

internal enum Phase { Idle, Waiting, InMatch }

/// <summary>One join: when its POST left, and when (and into which match) <c>matched</c> came.</summary>
internal sealed class Join(Member member, string kind)
{
    public Member Member { get; } = member;
    public string Kind { get; } = kind;
    public long SentAt { get; } = Stopwatch.GetTimestamp();
    public long? MatchedAt { get; set; }
    public bool Failed { get; set; }
}

/// <summary>A benchmark user: idle, waiting (with their current join) or in a match. Guarded by <see cref="Gate"/>.</summary>
internal sealed class Member(int index, User user)
{
    public int Index { get; } = index;
    public User User { get; } = user;
    public HubConnection? Hub { get; set; }
    public Lock Gate { get; } = new();
    public Phase Phase { get; set; }
    public Join? Current { get; set; }
    public Guid MatchId { get; set; }

    public bool IsIn(Guid matchId)
    {
        lock (Gate)
        {
            return Phase == Phase.InMatch && MatchId == matchId;
        }
    }
}

/// <summary>
/// Every join and every <c>matched</c> received: a user paired while not waiting (paired twice at once), the same
/// match announced twice, a match only one member heard of, or a partner who is not the other member, is counted.
/// </summary>
internal sealed class MatchRecorder(Member[] members)
{
    private readonly ConcurrentQueue<Join> _joins = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<(Member Member, Guid Partner, Join Join, long At)>> _matches = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private int _borrowed;
    private int _pairedWhileNotWaiting;
    private int _duplicateEvents;
    private int _ended;

    public ConcurrentQueue<Member> Idle { get; } = new();

    public volatile bool Running;

    public void BorrowSlot() => Interlocked.Increment(ref _borrowed);

    public bool TakeBorrowedSlot()
    {
        while (true)
        {
            var n = Volatile.Read(ref _borrowed);
            if (n == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _borrowed, n - 1, n) == n)
            {
                return true;
            }
        }
    }

    public Join StartJoin(Member member, string kind)
    {
        lock (member.Gate)
        {
            var join = new Join(member, kind);
            member.Phase = Phase.Waiting;
            member.Current = join;
            _joins.Enqueue(join);
            return join;
        }
    }

    public void JoinFailed(Member member, Join join, string message)
    {
        _errors.AddOrUpdate(message.Length > 100 ? message[..100] : message, 1, (_, n) => n + 1);
        lock (member.Gate)
        {
            join.Failed = true;
            if (member.Current == join && member.Phase == Phase.Waiting)
            {
                member.Phase = Phase.Idle;
                Idle.Enqueue(member);
            }
        }
    }

    /// <summary>True when this is the user's new match (they were waiting for it).</summary>
    public bool Matched(Member member, Guid matchId, Guid partner)
    {
        var at = Stopwatch.GetTimestamp();
        Join join;
        lock (member.Gate)
        {
            if (member.Phase == Phase.InMatch && member.MatchId == matchId)
            {
                Interlocked.Increment(ref _duplicateEvents);
                return false;
            }

            if (member.Phase != Phase.Waiting || member.Current is null)
            {
                Interlocked.Increment(ref _pairedWhileNotWaiting);
                return false;
            }

            join = member.Current;
            join.MatchedAt = at;
            member.Phase = Phase.InMatch;
            member.MatchId = matchId;
        }

        _matches.GetOrAdd(matchId, _ => new()).Enqueue((member, partner, join, at));
        return true;
    }

    /// <summary><c>matchEnded</c>: the partner who did not press <c>next</c> goes back to the idle line.</summary>
    public void Ended(Member member, Guid matchId)
    {
        lock (member.Gate)
        {
            if (member.Phase == Phase.InMatch && member.MatchId == matchId)
            {
                member.Phase = Phase.Idle;
                Idle.Enqueue(member);
                Interlocked.Increment(ref _ended);
            }
        }
    }

    public List<Join> Waiting()
    {
        var waiting = new List<Join>();
        foreach (var member in members)
        {
            lock (member.Gate)
            {
                if (member.Phase == Phase.Waiting && member.Current is { Failed: false } join)
                {
                    waiting.Add(join);
                }
            }
        }

        return waiting;
    }

    public sealed record Result(
        int Joins, Dictionary<string, int> JoinsByKind, Dictionary<string, int> JoinErrors, int Matched, int NotMatchedWithinTimeout, int WaitingAtEnd,
        Percentiles JoinToMatched, Dictionary<string, Percentiles> JoinToMatchedByKind, Percentiles SecondJoinToBothMatched, Percentiles SecondJoinToDecision, Percentiles DecisionToBothMatched, int Matches, int EndedSeen, int PairedWhileNotWaiting, int DuplicateEvents,
        int NotSeenByBoth, int PartnerMismatches, int BlockedPairsMatched, int SamePairTwice);

    public Result Report(TimeSpan timeout, HashSet<(int, int)> blocks, Dictionary<Guid, DateTime> startedAt, Func<long, DateTime> utc)
    {
        var joins = _joins.ToArray();
        var sent = joins.Where(j => !j.Failed).ToArray();
        var matched = sent.Where(j => j.MatchedAt is not null).ToArray();
        static double Latency(Join j) => Stopwatch.GetElapsedTime(j.SentAt, j.MatchedAt!.Value).TotalMilliseconds;
        var latencies = matched.Select(Latency).ToArray();
        var byKind = matched.GroupBy(j => j.Kind).ToDictionary(g => g.Key, g => Percentiles.Of(g.Select(Latency).ToArray()));
        var late = sent.Count(j => j.MatchedAt is not { } at || Stopwatch.GetElapsedTime(j.SentAt, at) > timeout);
        var pairTimes = new List<double>();
        var (toDecision, fromDecision) = (new List<double>(), new List<double>());
        var pairs = new Dictionary<(int, int), int>();
        int notSeenByBoth = 0, mismatches = 0, blocked = 0;
        foreach (var (matchId, seen) in _matches.Select(m => (m.Key, m.Value.ToArray())))
        {
            if (seen.Length != 2)
            {
                notSeenByBoth++;
                continue;
            }

            var (x, y) = (seen[0], seen[1]);
            if (x.Partner != y.Member.User.Id || y.Partner != x.Member.User.Id)
            {
                mismatches++;
            }

            var key = (Math.Min(x.Member.Index, y.Member.Index), Math.Max(x.Member.Index, y.Member.Index));
            blocked += blocks.Contains(key) ? 1 : 0;
            pairs[key] = pairs.GetValueOrDefault(key) + 1;
            // The server's part: from the join that made the pair possible to the later of the two `matched`.
            var (secondJoin, bothMatched) = (Math.Max(x.Join.SentAt, y.Join.SentAt), Math.Max(x.At, y.At));
            pairTimes.Add(Stopwatch.GetElapsedTime(secondJoin, bothMatched).TotalMilliseconds);
            // Split at the pass's decision: the join's request and the wait for a pass, then writing, commit and delivery.
            if (startedAt.TryGetValue(matchId, out var decided))
            {
                toDecision.Add((decided - utc(secondJoin)).TotalMilliseconds);
                fromDecision.Add((utc(bothMatched) - decided).TotalMilliseconds);
            }
        }

        return new Result(joins.Length, joins.GroupBy(j => j.Kind).ToDictionary(g => g.Key, g => g.Count()), new(_errors), matched.Length, late,
            Waiting().Count, Percentiles.Of(latencies), byKind, Percentiles.Of([.. pairTimes]), Percentiles.Of([.. toDecision]), Percentiles.Of([.. fromDecision]), _matches.Count, _ended,
            _pairedWhileNotWaiting, _duplicateEvents, notSeenByBoth, mismatches, blocked, pairs.Values.Count(n => n > 1));
    }
}

/// <summary>
/// LiveKit's RoomService as far as matching calls it: <c>next</c> deletes the match's room. Answers every Twirp call at
/// once with <c>{}</c> (or after <c>--livekit-delay-ms</c>, a LiveKit further away) and counts them, so the bench
/// measures Spotlight, not a LiveKit (none runs here).
/// </summary>
internal sealed class FakeLiveKit(TimeSpan delay) : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public IReadOnlyDictionary<string, int> Calls => _calls;

    public static FakeLiveKit Start(int port, TimeSpan delay)
    {
        var fake = new FakeLiveKit(delay);
        fake._listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        fake._listener.Start();
        _ = Task.Run(fake.ServeAsync);
        return fake;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            _calls.AddOrUpdate(context.Request.Url?.AbsolutePath ?? "?", 1, (_, n) => n + 1);
            _ = AnswerAsync(context, body);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, byte[] body)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }
}
