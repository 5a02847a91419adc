using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Notifications.Devices;

public sealed record RegisterDeviceRequest(string? Token, string? Platform);

/// <summary>A registered device; the token is shown only by its last characters.</summary>
public sealed record DeviceResponse(Guid Id, string Platform, string TokenEnding, DateTime CreatedAt)
{
    public static DeviceResponse From(PushDevice d) => new(d.Id, d.Platform, d.Token.Length <= 6 ? d.Token : d.Token[^6..], d.CreatedAt);
}

/// <summary><c>/api/v1/notifications/devices</c>: the caller's push registrations.</summary>
internal static class PushDevicesApi
{
    public const int MaxTokenLength = 1024;
    private static readonly string[] Platforms = ["android", "ios", "web"];

    public static async Task<Results<Created<DeviceResponse>, ValidationProblem>> Register(
        RegisterDeviceRequest request, ClaimsPrincipal caller, SpotlightDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Token is not { Length: > 0 and <= MaxTokenLength } token || !token.All(c => c is >= '!' and <= '~'))
        {
            errors.Add("token", $"Give the device's push token (1 to {MaxTokenLength} printable ASCII characters).");
        }

        if (request.Platform is null || !Platforms.Contains(request.Platform))
        {
            errors.Add("platform", $"One of: {string.Join(", ", Platforms)}.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var me = caller.UserId();
        var now = time.GetUtcNow().UtcDateTime;
        // A token identifies a device; a device signed in to a new account stops receiving the old account's pushes.
        await db.Set<PushDevice>().Where(d => d.Token == request.Token).ExecuteDeleteAsync(cancellationToken);
        var device = new PushDevice { Id = Guid.CreateVersion7(), UserId = me, Token = request.Token!, Platform = request.Platform!, CreatedAt = now };
        db.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/notifications/devices/{device.Id}", DeviceResponse.From(device));
    }

    public static async Task<Ok<List<DeviceResponse>>> List(ClaimsPrincipal caller, SpotlightDb db, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        var devices = await db.Set<PushDevice>().AsNoTracking().Where(d => d.UserId == me).OrderByDescending(d => d.Id).Take(100).ToListAsync(cancellationToken);
        return TypedResults.Ok(devices.Select(DeviceResponse.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid id, ClaimsPrincipal caller, SpotlightDb db, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        return await db.Set<PushDevice>().Where(d => d.Id == id && d.UserId == me).ExecuteDeleteAsync(cancellationToken) == 1
            ? TypedResults.NoContent()
            : ApiProblem.NotFound("No device of yours has this id.");
    }
}
