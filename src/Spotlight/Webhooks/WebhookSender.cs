using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Spotlight.Webhooks;

/// <summary>What one attempt came to: the answer's status (none when no answer came), its latency and Retry-After, or the error.</summary>
internal sealed record AttemptResult(int? StatusCode, int LatencyMs, TimeSpan? RetryAfter, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// POSTs one signed delivery. The HTTP client connects only to addresses the SSRF guard allows — checked in the socket's
/// connect callback on the address actually connected to, so a DNS answer that changed since registration is caught —
/// follows no redirect (a 3xx is a failed attempt), uses no proxy and gives up after <see cref="WebhookOptions.TimeoutSeconds"/>.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptionsMonitor<WebhookOptions> options, TimeProvider time)
{
    public const string ClientName = "webhooks";

    public async Task<AttemptResult> SendAsync(string url, string messageId, string body, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSecrets.Sign(secrets, messageId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Spotlight-Webhooks/1.0");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.CurrentValue.TimeoutSeconds));
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var latency = (int)watch.ElapsedMilliseconds;
            var code = (int)response.StatusCode;
            return new AttemptResult(code, latency, RetryAfter(response), code is >= 200 and < 300 ? null : Describe(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, (int)watch.ElapsedMilliseconds, null, $"No answer within {options.CurrentValue.TimeoutSeconds:0.#} s.");
        }
        catch (HttpRequestException exception)
        {
            var reason = exception.InnerException is RefusedAddressException refused ? refused.Message : exception.Message;
            return new AttemptResult(null, (int)watch.ElapsedMilliseconds, null, reason);
        }
    }

    private static string Describe(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400 ? $"HTTP {(int)response.StatusCode}: redirects are not followed." : $"HTTP {(int)response.StatusCode}.";

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        var wait = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        return wait is { } w ? TimeSpan.FromSeconds(Math.Clamp(w.TotalSeconds, 1, TimeSpan.FromDays(1).TotalSeconds)) : null;
    }

    /// <summary>The client's handler: no redirects, no proxy, no cookies, and the connect-time address check.</summary>
    public static SocketsHttpHandler CreateHandler(IOptionsMonitor<WebhookOptions> options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, options.CurrentValue.AllowPrivateNetworks, cancellationToken),
    };

    /// <summary>Resolves the host and connects to the first address the guard allows; refuses when it allows none.</summary>
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = await WebhookAddresses.ResolveAsync(endPoint.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new HttpRequestException($"The host '{endPoint.Host}' does not resolve.");
        }

        var allowed = allowPrivateNetworks ? addresses : addresses.Where(a => !WebhookAddresses.IsRefused(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new RefusedAddressException(
                $"The host '{endPoint.Host}' resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: not a public address, so not connected to (Webhooks:AllowPrivateNetworks is off).");
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                last = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException($"Could not connect to '{endPoint.Host}': {last?.Message}", last);
    }
}
