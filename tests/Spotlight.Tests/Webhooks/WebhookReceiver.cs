using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Tests.Webhooks;

/// <summary>What the receiver answers to one request: a status, after a delay, with headers.</summary>
public sealed record Answer(int Status = 200, TimeSpan Delay = default, Dictionary<string, string>? Headers = null);

/// <summary>One request the receiver got.</summary>
public sealed record Received(string Path, string Body, string Id, string Timestamp, string Signature, DateTime At)
{
    public HeaderDictionary Headers => new()
    {
        ["webhook-id"] = Id, ["webhook-timestamp"] = Timestamp, ["webhook-signature"] = Signature,
    };
}

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel on a free port): each path answers the answers scripted for it in turn, then
/// 200, and records every request it got.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Answer>> _scripts = new();
    private readonly ConcurrentQueue<Received> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>A new path on this receiver, answering <paramref name="answers"/> in turn, then 200.</summary>
    public string NewUrl(params Answer[] answers)
    {
        var path = "/hooks/" + Guid.NewGuid().ToString("N");
        _scripts[path] = new ConcurrentQueue<Answer>(answers);
        return BaseUrl + path;
    }

    public IReadOnlyList<Received> At(string url) => [.. _received.Where(r => url.EndsWith(r.Path, StringComparison.Ordinal))];

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "";
        var headers = context.Request.Headers;
        _received.Enqueue(new Received(path, body, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(), DateTime.UtcNow));
        var answer = _scripts.TryGetValue(path, out var script) && script.TryDequeue(out var next) ? next : new Answer();
        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? [])
        {
            context.Response.Headers[name] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
