using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Live;

/// <summary>
/// A server configured for LiveKit, beside LiveKit's own server SDK (npm <c>livekit-server-sdk</c>, installed next to this
/// file by <c>npm ci</c>) running <c>livekit/sdk-server.mjs</c> on a free loopback port: the SDK verifies Spotlight's
/// tokens, signs webhooks as LiveKit does, and serves a fake Twirp RoomService that checks the admin token. The server's
/// <c>LiveKit:Url</c> points at it. Every LiveKit domain event raised is recorded in <see cref="Events"/>.
/// </summary>
public class LiveKitApp : SpotlightApp
{
    public const string ApiKey = "APIspotlightTest";
    public const string ApiSecret = "spotlight-test-secret-0123456789abcdefghij";
    public const string PreviousApiSecret = "spotlight-previous-secret-0123456789abcdef";
    private Process? _sdk;

    public int Port { get; private set; }

    public HttpClient Sdk { get; } = new();

    public RecordedEvents Events { get; } = new();

    /// <summary>Short bounds so a LiveKit that fails is given up on quickly in the tests.</summary>
    public static readonly TimeSpan RoomServiceTimeout = TimeSpan.FromSeconds(3);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["LiveKit:Url"] = $"ws://127.0.0.1:{Port}",
        ["LiveKit:ApiKey"] = ApiKey,
        ["LiveKit:ApiSecret"] = ApiSecret,
        // A rotation under way: the replaced secret still verifies webhooks until its overlap ends.
        ["LiveKit:PreviousApiSecret"] = PreviousApiSecret,
        ["LiveKit:PreviousApiSecretExpiresAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        ["LiveKit:RoomServiceTimeout"] = RoomServiceTimeout.ToString(),
        ["LiveKit:RoomServiceAttemptTimeout"] = "00:00:00.8",
        ["LiveKit:RoomServiceRetries"] = "3",
        ["Outbox:PollIntervalSeconds"] = "0.1",
        ["Live:WatchIntervalSeconds"] = "3600", // the watch is run by the tests themselves (LiveWatch.SweepAsync), at the time they choose
    };

    public override async Task InitializeAsync()
    {
        if (!ToolFactAttribute.Required && !(ToolFactAttribute.IsInstalled("node") && ToolFactAttribute.IsInstalled("npm")))
        {
            await base.InitializeAsync(); // its tests are skipped (ToolFact): no SDK to start
            return;
        }

        var folder = Path.Combine(RepositoryRoot(), "tests", "Spotlight.Tests", "Live", "livekit");
        if (!File.Exists(Path.Combine(folder, "node_modules", "livekit-server-sdk", "package.json")))
        {
            var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            await install.WaitForExitAsync();
            Assert.True(install.ExitCode == 0, "npm ci for livekit-server-sdk failed: " + await install.StandardError.ReadToEndAsync());
        }

        Port = FreePort();
        var start = new ProcessStartInfo("node", [Path.Combine(folder, "sdk-server.mjs"), Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["LIVEKIT_API_KEY"] = ApiKey;
        start.Environment["LIVEKIT_API_SECRET"] = ApiSecret;
        _sdk = Process.Start(start)!;
        var ready = _sdk.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) != ready || await ready != "listening")
        {
            Assert.Fail("The LiveKit SDK server did not start: " + (_sdk.HasExited ? await _sdk.StandardError.ReadToEndAsync() : "timeout"));
        }

        Sdk.BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        await base.InitializeAsync();
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton(Events);
        services.AddEventHandler<LiveKitRoomStarted, Recorder<LiveKitRoomStarted>>();
        services.AddEventHandler<LiveKitRoomFinished, Recorder<LiveKitRoomFinished>>();
        services.AddEventHandler<LiveKitParticipantJoined, Recorder<LiveKitParticipantJoined>>();
        services.AddEventHandler<LiveKitParticipantLeft, Recorder<LiveKitParticipantLeft>>();
        services.AddEventHandler<LiveKitTrackPublished, Recorder<LiveKitTrackPublished>>();
    }

    /// <summary>The claims LiveKit's <c>TokenVerifier</c> reads from <paramref name="token"/>, or throws with the SDK's reason.</summary>
    public async Task<JsonElement> VerifyWithSdkAsync(string token, string? apiSecret = null)
    {
        using var response = await Sdk.PostAsJsonAsync("sdk/verify", new { token, apiSecret });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body : throw new SdkRefusedException(body.GetProperty("error").GetString()!);
    }

    /// <summary>A webhook as LiveKit sends it: <paramref name="webhookEvent"/> through the SDK's <c>WebhookEvent</c>, signed by an <c>AccessToken</c> with <c>sha256</c>.</summary>
    public async Task<SignedWebhook> SignWebhookAsync(object webhookEvent, string? apiKey = null, string? apiSecret = null, string? ttl = null) =>
        await SignAsync(new { @event = webhookEvent, apiKey, apiSecret, ttl });

    /// <summary>A body signed as given (LiveKit's server writes proto field names, the SDK camelCase ones).</summary>
    public async Task<SignedWebhook> SignRawWebhookAsync(string rawBody) => await SignAsync(new { rawBody });

    /// <summary>Sets the fake RoomService's rooms (name → identities in it) and faults, and forgets the calls so far.</summary>
    public async Task ControlRoomServiceAsync(Dictionary<string, string[]> rooms, int failNext = 0, int failStatus = 503, int delayMs = 0)
    {
        using var response = await Sdk.PostAsJsonAsync("control", new { rooms, failNext, failStatus, delayMs });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What the fake RoomService received: method, body, the grants of the admin token the SDK verified, any error.</summary>
    public async Task<JsonElement[]> RoomServiceCallsAsync() => (await Sdk.GetFromJsonAsync<JsonElement[]>("control/calls"))!;

    /// <summary>Waits (up to 20 s) until the fake RoomService's calls satisfy <paramref name="done"/>, for work done after a request (an outbox handler); returns them.</summary>
    public async Task<JsonElement[]> WaitForRoomServiceCallsAsync(Func<JsonElement[], bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var calls = await RoomServiceCallsAsync();
            if (done(calls))
            {
                return calls;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "LiveKit was not called as expected: " + string.Join(", ", calls.Select(c => c.GetRawText())));
            await Task.Delay(100);
        }
    }

    /// <summary>Posts a webhook as LiveKit does: <c>application/webhook+json</c>, the token alone in Authorization (no <c>Bearer</c>).</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(SignedWebhook webhook, string? authorization = null, string contentType = "application/webhook+json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/livekit/webhooks") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(webhook.Body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var token = authorization ?? webhook.Token;
        if (token.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        return await CreateClient().SendAsync(request);
    }

    /// <summary>A new creator goes live.</summary>
    public async Task<(TestUser Creator, StartedLive Live)> GoLiveAsync(string visibility = "public")
    {
        var creator = await CreateUserAsync("creator");
        var live = await (await creator.Client.PostAsJsonAsync("/api/v1/live", new { title = "Live", visibility })).ShouldBeAsync(HttpStatusCode.Created);
        return (creator, new StartedLive(live.GetProperty("id").GetString()!, live.GetProperty("roomName").GetString()!));
    }

    public async Task<JsonElement> ReadLiveAsync(string id) => await (await CreateClient().GetAsync($"/api/v1/live/{id}")).ShouldBeAsync(HttpStatusCode.OK);

    protected override Task DisposeFixtureAsync()
    {
        if (_sdk is { HasExited: false })
        {
            _sdk.Kill(entireProcessTree: true);
            _sdk.WaitForExit();
        }

        _sdk?.Dispose();
        Sdk.Dispose();
        return Task.CompletedTask;
    }

    private async Task<SignedWebhook> SignAsync(object request)
    {
        using var response = await Sdk.PostAsJsonAsync("sdk/webhook", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SignedWebhook>(Json))!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Spotlight.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Spotlight.slnx not found above " + AppContext.BaseDirectory);
    }
}

public sealed record SignedWebhook(string Body, string Token);

public sealed record StartedLive(string Id, string RoomName);

public sealed class SdkRefusedException(string message) : Exception(message);

/// <summary>Every LiveKit domain event delivered to the test's handlers, in order of delivery.</summary>
public sealed class RecordedEvents
{
    private readonly ConcurrentQueue<IDomainEvent> _events = new();

    public void Add(IDomainEvent domainEvent) => _events.Enqueue(domainEvent);

    public IReadOnlyList<T> Of<T>() => _events.OfType<T>().ToList();

    /// <summary>Waits for the outbox to deliver an event matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_events.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {typeof(T).Name} was delivered.");
    }
}

public sealed class Recorder<TEvent>(RecordedEvents recorded) : IDomainEventHandler<TEvent> where TEvent : IDomainEvent
{
    public Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        recorded.Add(domainEvent);
        return Task.CompletedTask;
    }
}
