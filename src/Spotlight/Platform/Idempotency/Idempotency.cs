using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Observability;

namespace Spotlight.Platform.Idempotency;

/// <summary>
/// Marks an endpoint as taking <c>Idempotency-Key</c>: needed when <see cref="Required"/> (calls that move coins),
/// honoured when sent otherwise. The body is buffered so its fingerprint can be taken.
/// </summary>
public sealed class IdempotentMetadata
{
    public bool Required { get; init; } = true;
}

/// <summary>
/// The key of the request being handled. A handler that moves money calls <see cref="Complete{T}"/> before it saves,
/// so the record is written by the same <c>SaveChanges</c>, in the same transaction, as the money.
/// </summary>
public sealed class IdempotencyContext(IOptions<JsonOptions> json)
{
    internal IdempotencyRecord? Record { get; set; }

    internal bool CompletedByHandler { get; private set; }

    public void Complete<T>(SpotlightDb db, int status, T response)
    {
        if (Record is null)
        {
            return;
        }

        db.Attach(Record);
        Record.Completed = true;
        Record.ResponseStatus = status;
        Record.ResponseBody = JsonSerializer.Serialize(response, json.Value.SerializerOptions);
        CompletedByHandler = true;
    }
}

internal static class IdempotencyFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var key = http.Request.Headers[HeaderName].ToString();
        if (key.Length == 0 && http.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is { Required: false })
        {
            return await next(invocation);
        }

        if (!IdempotentOperation.IsValidKey(key))
        {
            return ApiProblem.Create(400, "idempotency_key_required",
                "This request moves coins: send an Idempotency-Key header of 1–255 printable ASCII characters, the same on every retry.");
        }

        return await IdempotentOperation.RunAsync(http, key, await FingerprintAsync(http), () => next(invocation));
    }

    private static async Task<string> FingerprintAsync(HttpContext http)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(http.Request.Method + "\n" + http.Request.Path.Value + "\n"));
        var body = http.Request.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            body.Position = 0;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// Runs one money operation under an idempotency key of the signed-in caller: the first request runs it, a repeat with
/// the same key gets the stored answer (a <c>ContentHttpResult</c> with the first status and body), a repeat while the
/// first is running gets 409 <c>idempotency_in_progress</c>, and the same key for other input gets 422
/// <c>idempotency_key_reused</c>. <c>RequireIdempotency()</c> uses it for the API. (The admin console's adjustment form
/// is once-only through its own key as a unique ledger reference: Wallet's <c>AdjustBalance</c>.)
/// </summary>
public static class IdempotentOperation
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public static async ValueTask<object?> RunAsync(HttpContext http, string key, string fingerprint, Func<ValueTask<object?>> operation)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(operation);
        var services = http.RequestServices;
        var db = services.GetRequiredService<SpotlightDb>();
        var time = services.GetRequiredService<TimeProvider>();
        var scope = http.User.FindFirstValue("sub") is { } sub ? "u:" + sub : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var now = time.GetUtcNow().UtcDateTime;

        var record = new IdempotencyRecord
        {
            Id = Guid.CreateVersion7(), Scope = scope, Key = key, Fingerprint = fingerprint,
            CreatedAt = now, LockedUntil = now + Lease, ExpiresAt = now + Retention,
        };
        if (!await TryInsertAsync(db, record))
        {
            var existing = await db.Set<IdempotencyRecord>().AsNoTracking().SingleOrDefaultAsync(r => r.Scope == scope && r.Key == key);
            if (existing is null)
            {
                // Released between our insert and our read: the caller may simply retry.
                return InProgress();
            }

            if (existing.Fingerprint != fingerprint)
            {
                return ApiProblem.Create(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request.");
            }

            if (existing.Completed)
            {
                services.GetRequiredService<PlatformMetrics>().IdempotentReplays.Add(1);
                http.Response.Headers[IdempotencyFilter.ReplayedHeader] = "true";
                return Results.Content(existing.ResponseBody, "application/json", Encoding.UTF8, existing.ResponseStatus ?? 200);
            }

            var tookOver = existing.LockedUntil < now && await db.Set<IdempotencyRecord>()
                .Where(r => r.Id == existing.Id && !r.Completed && r.LockedUntil == existing.LockedUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LockedUntil, now + Lease)) == 1;
            if (!tookOver)
            {
                return InProgress();
            }

            record = existing;
            record.LockedUntil = now + Lease;
        }

        var context = services.GetRequiredService<IdempotencyContext>();
        context.Record = record;
        object? result;
        try
        {
            result = await operation();
        }
        catch
        {
            await ReleaseAsync(db, record);
            throw;
        }

        if (!context.CompletedByHandler)
        {
            // Nothing was committed under this key (a refusal such as 402): leave it free for a retry.
            await ReleaseAsync(db, record);
        }

        return result;
    }

    private static IResult InProgress() =>
        ApiProblem.Create(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed. Retry shortly.");

    private static async Task<bool> TryInsertAsync(SpotlightDb db, IdempotencyRecord record)
    {
        db.Add(record);
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.Entry(record).State = EntityState.Detached;
        }
    }

    private static Task ReleaseAsync(SpotlightDb db, IdempotencyRecord record)
    {
        db.ChangeTracker.Clear();
        // Not tied to the request: the client may have gone away, but the key must be freed.
        return db.Set<IdempotencyRecord>().Where(r => r.Id == record.Id && !r.Completed).ExecuteDeleteAsync(CancellationToken.None);
    }

    public static bool IsValidKey(string key)
    {
        if (key.Length is 0 or > 255)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < (char)0x21 or > (char)0x7E)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Buffers the body of idempotent endpoints before binding reads it, so the filter can fingerprint it.</summary>
internal sealed class IdempotencyBufferingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is not null)
        {
            context.Request.EnableBuffering();
        }

        return next(context);
    }
}

public static class IdempotencyEndpointConventions
{
    /// <summary>Requires <c>Idempotency-Key</c> and replays the stored response for a repeated key (see API.md, Idempotency).</summary>
    public static TBuilder RequireIdempotency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new IdempotentMetadata());
        builder.AddEndpointFilter(IdempotencyFilter.InvokeAsync);
        return builder;
    }

    /// <summary>Honours <c>Idempotency-Key</c> when the client sends one (a retry gets the first answer); calls without it run as usual.</summary>
    public static TBuilder AllowIdempotency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new IdempotentMetadata { Required = false });
        builder.AddEndpointFilter(IdempotencyFilter.InvokeAsync);
        return builder;
    }
}
