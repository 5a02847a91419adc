using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Notifications.Devices;

public sealed record RegisterDeviceRequest(string? Token, string? Platform);

/// <summary>A registered device; the token is shown only by its last characters.</summary>
public sealed record DeviceResponse(Guid Id, string Platform, string TokenEnding, DateTime CreatedAt)
{
    public static DeviceResponse From(PushDevice d) => new(d.Id, d.Platform, d.Token.Length <= 6 ? d.Token : d.Token[^6..], d.CreatedAt);
}

/// <summary>
/// <c>POST /notifications/devices</c>: registers the caller's device for push. A token identifies a device: one signed in
/// to a new account stops receiving the old account's pushes.
/// </summary>
internal sealed class RegisterPushDevice(SpotlightDb db, TimeProvider time)
{
    public const int MaxTokenLength = 1024;
    private static readonly string[] Platforms = ["android", "ios", "web"];

    public async Task<Outcome<DeviceResponse>> HandleAsync(Guid me, RegisterDeviceRequest request, CancellationToken cancellationToken)
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
            return errors.ToRefusal();
        }

        var now = time.GetUtcNow().UtcDateTime;
        await db.Set<PushDevice>().Where(d => d.Token == request.Token).ExecuteDeleteAsync(cancellationToken);
        var device = new PushDevice { Id = Guid.CreateVersion7(), UserId = me, Token = request.Token!, Platform = request.Platform!, CreatedAt = now };
        db.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        return DeviceResponse.From(device);
    }
}

/// <summary><c>GET /notifications/devices</c>: the caller's registered devices, newest first (at most 100).</summary>
internal sealed class ListPushDevices(SpotlightDb db)
{
    public async Task<Outcome<List<DeviceResponse>>> HandleAsync(Guid me, CancellationToken cancellationToken)
    {
        var devices = await db.Set<PushDevice>().AsNoTracking().Where(d => d.UserId == me).OrderByDescending(d => d.Id).Take(100).ToListAsync(cancellationToken);
        return devices.Select(DeviceResponse.From).ToList();
    }
}

/// <summary><c>DELETE /notifications/devices/{id}</c>: stops pushing to one of the caller's devices.</summary>
internal sealed class RemovePushDevice(SpotlightDb db)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken) =>
        await db.Set<PushDevice>().Where(d => d.Id == id && d.UserId == me).ExecuteDeleteAsync(cancellationToken) == 1
            ? true
            : Refusal.NotFound("No device of yours has this id.");
}
