using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed partial class OpenApiTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    /// <summary>Endpoints the HTTP contract does not cover: the document itself, the realtime hub (its protocol is in API.md) and the admin console's pages.</summary>
    private static bool Undocumented(string route) =>
        route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/hubs", StringComparison.Ordinal) ||
        route == "/admin" || route.StartsWith("/admin/", StringComparison.Ordinal);

    [Fact]
    public async Task Every_endpoint_that_exists_is_described_with_its_method_and_responses()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => !Undocumented(e.Route) && e.Methods.Count > 0)
            .ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints found");

        var missing = new List<string>();
        foreach (var (route, methods) in endpoints)
        {
            var path = Constraint().Replace(route.TrimEnd('/'), "{$1}");
            path = path.Length == 0 ? "/" : path;
            foreach (var method in methods)
            {
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    missing.Add($"{method} {path}");
                    continue;
                }

                var responses = operation.GetProperty("responses");
                Assert.True(responses.EnumerateObject().Any(r => r.Name.StartsWith('2')), $"{method} {path} describes no success response");
                Assert.True(responses.TryGetProperty("500", out _), $"{method} {path} describes no error response");
            }
        }

        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Endpoints_that_need_a_token_say_so_and_errors_are_problem_details()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var me = document.GetProperty("paths").GetProperty("/api/v1/me").GetProperty("get");
        Assert.Equal("Bearer", me.GetProperty("security")[0].EnumerateObject().Single().Name);
        Assert.True(me.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("MeResponse", out _));
    }

    /// <summary>The calls that move coins (API.md, Idempotency): the explorer must send Idempotency-Key to try them.</summary>
    private static readonly string[] MoneyCalls =
    [
        "POST /api/v1/wallet/transfers", "POST /api/v1/gifts", "POST /api/v1/content/{id}/unlock", "POST /api/v1/creators/{id}/subscriptions",
        "POST /api/v1/creator/payouts", "POST /api/v1/admin/wallets/{userId}/adjustments",
    ];

    /// <summary>Failures API.md names, as "METHOD path status code" ("-" for a status without a code).</summary>
    private static readonly string[] DocumentedFailures =
    [
        "POST /api/v1/auth/register 409 email_taken", "POST /api/v1/auth/register 409 handle_taken", "POST /api/v1/auth/register 400 validation_failed",
        "POST /api/v1/auth/login 401 invalid_credentials", "POST /api/v1/auth/login 401 totp_required",
        "POST /api/v1/auth/refresh 401 invalid_refresh_token", "POST /api/v1/auth/refresh 401 refresh_token_reused",
        "POST /api/v1/auth/password/reset 400 invalid_token", "POST /api/v1/auth/2fa/setup 403 two_factor_required",
        "POST /api/v1/auth/passkeys/register/finish 400 passkey_ceremony_expired", "POST /api/v1/auth/passkeys/register/finish 400 invalid_passkey",
        "POST /api/v1/auth/passkeys/register/finish 409 passkey_exists", "POST /api/v1/auth/passkeys/register/finish 409 passkey_limit_reached",
        "POST /api/v1/auth/passkeys/login/finish 401 invalid_passkey", "POST /api/v1/auth/passkeys/login/finish 403 account_banned",
        "DELETE /api/v1/auth/passkeys/{id} 403 two_factor_required",
        "POST /api/v1/payments/webhooks/{provider} 400 invalid_signature", "POST /api/v1/payments/webhooks/{provider} 400 invalid_payload",
        "POST /api/v1/payments/webhooks/{provider} 503 provider_not_configured",
        "POST /api/v1/wallet/transfers 402 insufficient_funds", "POST /api/v1/wallet/transfers 404 not_found",
        "POST /api/v1/gifts 402 insufficient_funds",
        "POST /api/v1/content/{id}/unlock 402 insufficient_funds", "POST /api/v1/content/{id}/unlock 409 not_premium", "POST /api/v1/content/{id}/unlock 409 own_post",
        "POST /api/v1/creators/{id}/subscriptions 402 insufficient_funds", "POST /api/v1/creators/{id}/subscriptions 409 already_subscribed",
        "POST /api/v1/creator/plans 403 -", "POST /api/v1/creator/payouts 402 insufficient_funds",
        "POST /api/v1/media 413 payload_too_large", "POST /api/v1/media 413 quota_exceeded", "POST /api/v1/media 415 unsupported_media_type",
        "DELETE /api/v1/media/{id} 409 media_in_use", "GET /api/v1/media/{id}/file 403 invalid_signature",
        "POST /api/v1/posts 403 not_creator", "POST /api/v1/posts 404 media_not_found", "PATCH /api/v1/posts/{id} 409 pin_limit_reached",
        "POST /api/v1/posts/{id}/comments 403 comments_closed", "POST /api/v1/posts/{id}/comments 403 post_locked", "GET /api/v1/posts/{id}/comments 403 post_locked",
        "POST /api/v1/reports 400 cannot_report_self",
        "POST /api/v1/live 403 not_creator", "POST /api/v1/live 409 already_live", "POST /api/v1/live 503 livekit_not_configured",
        "POST /api/v1/live/{id}/join 409 live_ended", "POST /api/v1/live/{id}/join 403 blocked", "POST /api/v1/live/{id}/join 403 followers_only",
        "POST /api/v1/live/{id}/join 403 subscribers_only", "POST /api/v1/live/{id}/end 403 not_your_live",
        "POST /api/v1/livekit/webhooks 401 invalid_signature", "POST /api/v1/livekit/webhooks 415 -",
        "POST /api/v1/attachments 413 quota_exceeded", "DELETE /api/v1/attachments/{id} 409 attachment_in_use",
        "POST /api/v1/admin/reports/{id}/resolve 409 already_resolved", "POST /api/v1/admin/reports/{id}/resolve 400 action_not_applicable",
        "POST /api/v1/admin/reports/{id}/resolve 403 staff_account", "GET /api/v1/admin/stats 403 two_factor_required",
        "PUT /api/v1/admin/users/{id}/roles 403 two_factor_required", "POST /api/v1/admin/wallets/{userId}/adjustments 403 two_factor_required",
        "GET /api/v1/me 401 unauthorized", "GET /api/v1/me 401 token_expired", "GET /api/v1/me 401 token_stale",
        "POST /api/v1/wallet/topups 422 idempotency_key_reused", "GET /api/v1/wallet 429 rate_limited", "GET /api/v1/wallet 500 internal_error",
        "GET /api/v1/wallet 503 service_unavailable", "PATCH /api/v1/me 400 unknown_field", "PATCH /api/v1/me 400 malformed_json",
        "POST /api/v1/admin/webhooks 400 url_not_allowed", "POST /api/v1/admin/webhooks 400 validation_failed",
        "POST /api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/retry 404 not_found", "POST /api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/retry 409 webhook_disabled",
    ];

    private static JsonElement Operation(JsonElement document, string call)
    {
        var (method, path) = (call[..call.IndexOf(' ', StringComparison.Ordinal)], call[(call.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in the document");
        Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{call} is not in the document");
        return operation;
    }

    [Fact]
    public async Task Every_money_call_declares_the_Idempotency_Key_header_and_what_a_repeated_key_answers()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        foreach (var call in MoneyCalls)
        {
            var operation = Operation(document, call);
            var key = operation.GetProperty("parameters").EnumerateArray().SingleOrDefault(p => p.GetProperty("name").GetString() == "Idempotency-Key");
            Assert.True(key.ValueKind == JsonValueKind.Object, $"{call} does not declare Idempotency-Key");
            Assert.Equal("header", key.GetProperty("in").GetString());
            Assert.True(key.GetProperty("required").GetBoolean(), $"{call}: Idempotency-Key is not required");
            Assert.Equal(255, key.GetProperty("schema").GetProperty("maxLength").GetInt32());
            var responses = operation.GetProperty("responses");
            Assert.Contains("idempotency_key_required", Codes(responses, "400"));
            Assert.Contains("idempotency_in_progress", Codes(responses, "409"));
            Assert.Contains("idempotency_key_reused", Codes(responses, "422"));
            var success = responses.EnumerateObject().First(r => r.Name.StartsWith('2')).Value;
            Assert.True(success.GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _), $"{call}: no Idempotent-Replayed on success");
        }

        var notMoney = Operation(document, "POST /api/v1/posts");
        Assert.False(notMoney.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"));
    }

    [Fact]
    public async Task Every_failure_the_contract_names_is_a_response_with_its_code()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var missing = new List<string>();
        foreach (var failure in DocumentedFailures)
        {
            var parts = failure.Split(' ');
            var responses = Operation(document, $"{parts[0]} {parts[1]}").GetProperty("responses");
            if (!responses.TryGetProperty(parts[2], out var response))
            {
                missing.Add(failure);
                continue;
            }

            Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{failure}: not a problem response");
            if (parts[3] != "-" && (!Codes(responses, parts[2]).Contains(parts[3]) || !response.GetProperty("description").GetString()!.Contains($"`{parts[3]}`", StringComparison.Ordinal)))
            {
                missing.Add(failure);
            }
        }

        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_response_headers_the_contract_names_are_declared()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var headers = document.GetProperty("components").GetProperty("headers");
        foreach (var name in new[] { "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate" })
        {
            Assert.True(headers.TryGetProperty(name, out _), $"components/headers has no {name}");
        }

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject())
                {
                    var declared = response.Value.GetProperty("headers");
                    Assert.True(declared.TryGetProperty("X-Request-Id", out _), $"{operation.Name} {path.Name} {response.Name}: no X-Request-Id");
                    if (path.Name.StartsWith("/api/", StringComparison.Ordinal))
                    {
                        Assert.True(declared.TryGetProperty("X-RateLimit-Remaining", out _), $"{operation.Name} {path.Name} {response.Name}: no X-RateLimit-Remaining");
                    }

                    if (response.Name == "401")
                    {
                        Assert.True(declared.TryGetProperty("WWW-Authenticate", out _), $"{operation.Name} {path.Name} {response.Name}: no WWW-Authenticate");
                    }

                    if (response.Name is "429" or "503")
                    {
                        Assert.True(declared.TryGetProperty("Retry-After", out _), $"{operation.Name} {path.Name} {response.Name}: no Retry-After");
                    }
                }
            }
        }

        var topup = Operation(document, "POST /api/v1/wallet/topups").GetProperty("parameters");
        Assert.Contains(topup.EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && !(p.TryGetProperty("required", out var required) && required.GetBoolean()));
        var webhook = Operation(document, "POST /api/v1/payments/webhooks/{provider}").GetProperty("parameters");
        Assert.Contains(webhook.EnumerateArray(), p => p.GetProperty("name").GetString() == "Spotlight-Signature" && p.GetProperty("in").GetString() == "header");
    }

    private static List<string> Codes(JsonElement responses, string status) =>
        responses.TryGetProperty(status, out var response) && response.TryGetProperty("x-error-codes", out var codes)
            ? codes.EnumerateArray().Select(c => c.GetString()!).ToList()
            : [];

    [Fact]
    public async Task The_docs_ui_is_served()
    {
        var response = await app.CreateClient().GetAsync("/docs/index.html");
        response.EnsureSuccessStatusCode();
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
