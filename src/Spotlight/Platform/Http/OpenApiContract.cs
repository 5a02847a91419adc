namespace Spotlight.Platform.Http;

/// <summary>
/// What API.md names per operation that the framework cannot infer from the endpoints: the documented failures (status
/// and stable <c>code</c>) and the request headers a caller must or may send. <see cref="OpenApiDocumentation"/> writes
/// them into <c>/openapi/v1.json</c>, so the <c>/docs</c> explorer and generated clients (clients/typescript) know them.
/// Keys are "METHOD /path" as the document spells the path. An entry for an operation that does not exist is unused.
/// </summary>
internal static class OpenApiContract
{
    /// <summary>A documented failure: the status and the codes API.md names for it (none: the status alone).</summary>
    public sealed record Failure(int Status, params string[] Codes);

    /// <summary>A request header a caller sends on some operations.</summary>
    public sealed record RequestHeader(string Name, bool Required, string Description);

    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Response headers and the responses they are on (API.md, Conventions, Rate limits, Idempotency).</summary>
    public const string RequestId = "X-Request-Id";
    public const string RetryAfter = "Retry-After";
    public const string Replayed = "Idempotent-Replayed";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public static readonly string[] RateLimitHeaders = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

    /// <summary>The failures every operation of a kind shares, beside <see cref="Failures"/>.</summary>
    public static readonly Failure BadInput = new(400, "validation_failed", "malformed_json", "unknown_field");
    /// <summary>401: <c>token_expired</c> and <c>token_stale</c> tell an app to refresh (API.md, Identity).</summary>
    public static readonly Failure NoToken = new(401, "unauthorized", "token_expired", "token_stale");
    public static readonly Failure NotAllowed = new(403, "forbidden");
    public static readonly Failure RateLimited = new(429, "rate_limited");
    public static readonly Failure Internal = new(500, "internal_error");
    public static readonly Failure Unavailable = new(503, "service_unavailable");

    /// <summary>Staff routes with <c>Admin:RequireTwoFactor</c> on refuse a token without a second factor (API.md, Identity).</summary>
    public static readonly Failure StaffWithoutSecondFactor = new(403, "two_factor_required");

    /// <summary>What an endpoint marked <c>RequireIdempotency()</c> can answer (API.md, Idempotency).</summary>
    public static readonly Failure[] IdempotencyFailures =
        [new(400, "idempotency_key_required"), new(409, "idempotency_in_progress"), new(422, "idempotency_key_reused")];

    public static readonly IReadOnlyDictionary<string, RequestHeader[]> Headers = new Dictionary<string, RequestHeader[]>
    {
        ["POST /api/v1/payments/webhooks/{provider}"] =
            [new("Spotlight-Signature", false, "The sandbox provider's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">` with `Payments:Sandbox:WebhookSecret`.")],
        ["POST /api/v1/livekit/webhooks"] =
            [new("Authorization", true, "LiveKit's webhook JWT, signed with the API secret, whose `sha256` claim is base64(SHA-256(raw body)).")],
        ["POST /api/v1/attachments"] = [new("Content-Type", false, "Ignored: the type is read from the bytes.")],
        ["POST /api/v1/wallet/topups"] =
            [new(IdempotencyKey, false, "Optional: when sent, a retry with it gets the same top-up and checkout back (1–255 printable ASCII characters).")],
    };

    public static readonly IReadOnlyDictionary<string, Failure[]> Failures = new Dictionary<string, Failure[]>
    {
        // Identity
        ["POST /api/v1/auth/register"] = [new(400, "validation_failed"), new(409, "email_taken", "handle_taken")],
        ["POST /api/v1/auth/login"] = [new(401, "invalid_credentials", "totp_required"), new(403, "account_banned")],
        ["POST /api/v1/auth/refresh"] = [new(401, "invalid_refresh_token", "refresh_token_reused")],
        ["POST /api/v1/auth/password/reset"] = [new(400, "invalid_token")],
        ["POST /api/v1/auth/2fa/setup"] = [new(403, "two_factor_required")],
        ["POST /api/v1/auth/passkeys/register/begin"] = [new(403, "two_factor_required")],
        ["POST /api/v1/auth/passkeys/register/finish"] =
            [new(400, "passkey_ceremony_expired", "invalid_passkey", "validation_failed"), new(403, "two_factor_required"), new(409, "passkey_exists", "passkey_limit_reached")],
        ["PATCH /api/v1/auth/passkeys/{id}"] = [new(404)],
        ["DELETE /api/v1/auth/passkeys/{id}"] = [new(403, "two_factor_required"), new(404)],
        ["POST /api/v1/auth/passkeys/login/finish"] = [new(401, "invalid_passkey"), new(403, "account_banned")],
        ["GET /api/v1/users/{handle}"] = [new(404, "not_found")],

        // Account (export and deletion)
        ["DELETE /api/v1/me"] = [new(400, "validation_failed"), new(403, "two_factor_required"), new(404, "not_found")],
        ["POST /api/v1/me/export"] = [new(429, "rate_limited")],
        ["GET /api/v1/me/exports/{id}"] = [new(404, "not_found")],
        ["GET /api/v1/me/exports/{id}/download"] = [new(403, "export_link_invalid"), new(410, "export_link_expired", "export_gone")],
        ["DELETE /api/v1/admin/users/{id}"] = [new(400, "cannot_delete_self"), new(404, "not_found")],
        ["POST /api/v1/admin/users/{id}/export"] = [new(404, "not_found")],

        // Wallet and money
        ["POST /api/v1/payments/webhooks/{provider}"] = [new(400, "invalid_signature", "invalid_payload"), new(503, "provider_not_configured")],
        ["POST /api/v1/wallet/topups"] = [new(422, "idempotency_key_reused")],
        ["POST /api/v1/wallet/transfers"] = [new(402, "insufficient_funds"), new(404, "not_found")],
        ["POST /api/v1/gifts"] = [new(402, "insufficient_funds"), new(404, "not_found")],
        ["POST /api/v1/content/{id}/unlock"] = [new(402, "insufficient_funds"), new(404, "not_found"), new(409, "not_premium", "own_post")],
        ["POST /api/v1/creator/plans"] = [new(403)],
        ["POST /api/v1/creators/{id}/subscriptions"] = [new(402, "insufficient_funds"), new(404, "not_found"), new(409, "already_subscribed")],
        ["POST /api/v1/creator/payouts"] = [new(402, "insufficient_funds")],

        // Content
        ["POST /api/v1/media"] = [new(400, "validation_failed"), new(413, "payload_too_large", "quota_exceeded"), new(415, "unsupported_media_type")],
        ["GET /api/v1/media/{id}"] = [new(404, "not_found")],
        ["DELETE /api/v1/media/{id}"] = [new(404, "not_found"), new(409, "media_in_use")],
        ["GET /api/v1/media/{id}/file"] = [new(403, "invalid_signature"), new(404, "not_found")],
        ["GET /api/v1/media/{id}/thumbnail"] = [new(403, "invalid_signature"), new(404, "not_found")],
        ["POST /api/v1/posts"] = [new(403, "not_creator"), new(404, "media_not_found")],
        ["GET /api/v1/posts/{id}"] = [new(404, "not_found")],
        ["PATCH /api/v1/posts/{id}"] = [new(404, "not_found"), new(409, "pin_limit_reached")],
        ["DELETE /api/v1/posts/{id}"] = [new(404, "not_found")],
        ["POST /api/v1/posts/{id}/like"] = [new(404, "not_found")],
        ["DELETE /api/v1/posts/{id}/like"] = [new(404, "not_found")],
        ["GET /api/v1/posts/{id}/comments"] = [new(403, "post_locked"), new(404, "not_found")],
        ["POST /api/v1/posts/{id}/comments"] = [new(403, "comments_closed", "post_locked"), new(404, "not_found")],
        ["DELETE /api/v1/comments/{id}"] = [new(404, "not_found")],
        ["POST /api/v1/reports"] = [new(400, "cannot_report_self"), new(404, "not_found")],

        // Live
        ["POST /api/v1/live"] = [new(403, "not_creator", "banned"), new(409, "already_live"), new(503, "livekit_not_configured")],
        ["GET /api/v1/live/{id}"] = [new(404, "not_found")],
        ["POST /api/v1/live/{id}/join"] =
            [new(403, "banned", "blocked", "kicked", "followers_only", "subscribers_only"), new(404, "not_found"), new(409, "live_ended"), new(503, "livekit_not_configured")],
        ["POST /api/v1/live/{id}/end"] = [new(403, "not_your_live"), new(404, "not_found")],
        ["GET /api/v1/live/{id}/leaderboard"] = [new(404, "not_found")],
        ["POST /api/v1/livekit/webhooks"] = [new(400, "invalid_payload"), new(401, "invalid_signature"), new(415), new(503, "livekit_not_configured")],
        ["POST /api/v1/live/{id}/viewers/{userId}/kick"] =
            [new(400, "cannot_kick"), new(403, "not_your_live"), new(404, "not_found"), new(409, "live_ended")],
        ["POST /api/v1/live/{id}/pk"] = [new(403, "blocked"), new(404, "not_found"), new(409, "already_in_pk"), new(422, "own_live")],
        ["POST /api/v1/pk/{id}/accept"] = [new(404, "not_found"), new(409, "pk_expired", "pk_closed", "live_ended")],
        ["POST /api/v1/pk/{id}/decline"] = [new(404, "not_found"), new(409, "pk_expired", "pk_closed")],
        ["GET /api/v1/pk/{id}"] = [new(404, "not_found")],

        // Matching
        ["POST /api/v1/match/queue"] = [new(403, "banned"), new(429, "rate_limited"), new(503, "livekit_not_configured")],
        ["POST /api/v1/match/{matchId}/next"] = [new(404, "not_found"), new(429, "rate_limited")],
        ["POST /api/v1/match/{matchId}/report"] = [new(404, "not_found")],

        // Becoming a creator
        ["POST /api/v1/creator/application"] = [new(409, "application_pending", "already_creator")],
        ["GET /api/v1/creator/application"] = [new(404, "not_found")],
        ["POST /api/v1/admin/creator-applications/{id}/approve"] = [new(404, "not_found"), new(409, "already_decided")],
        ["POST /api/v1/admin/creator-applications/{id}/reject"] = [new(404, "not_found"), new(409, "already_decided")],

        // Messaging
        ["GET /api/v1/conversations/{id}"] = [new(404, "not_found")],
        ["GET /api/v1/conversations/{id}/messages"] = [new(404, "not_found")],
        ["POST /api/v1/conversations/{id}/messages"] = [new(403, "blocked"), new(404, "not_found")],
        ["POST /api/v1/attachments"] = [new(413, "payload_too_large", "quota_exceeded"), new(415, "unsupported_media_type")],
        ["DELETE /api/v1/attachments/{id}"] = [new(404, "not_found"), new(409, "attachment_in_use")],

        // Admin
        ["POST /api/v1/admin/users/{id}/ban"] = [new(403, "two_factor_required"), new(404, "not_found")],
        ["POST /api/v1/admin/reports/{id}/resolve"] = [new(400, "action_not_applicable"), new(403, "staff_account"), new(404, "not_found"), new(409, "already_resolved")],

        // Webhooks for integrators
        ["POST /api/v1/admin/webhooks"] = [new(400, "validation_failed", "url_not_allowed"), new(409, "webhook_limit_reached")],
        ["GET /api/v1/admin/webhooks/{id}"] = [new(404, "not_found")],
        ["PATCH /api/v1/admin/webhooks/{id}"] = [new(400, "validation_failed", "url_not_allowed"), new(404, "not_found")],
        ["DELETE /api/v1/admin/webhooks/{id}"] = [new(404, "not_found")],
        ["POST /api/v1/admin/webhooks/{id}/secret/rotate"] = [new(404, "not_found")],
        ["GET /api/v1/admin/webhooks/{id}/deliveries"] = [new(404, "not_found")],
        ["POST /api/v1/admin/webhooks/{id}/deliveries/{deliveryId}/retry"] = [new(404, "not_found"), new(409, "webhook_disabled")],
        ["POST /api/v1/admin/webhooks/{id}/test"] = [new(404, "not_found"), new(409, "webhook_disabled")],
    };
}
