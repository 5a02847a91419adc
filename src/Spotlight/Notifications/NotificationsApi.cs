using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Notifications.Devices;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Notifications;

/// <summary><c>/api/v1/notifications</c>, thin adapters over the inbox and device handlers: the caller's own only.</summary>
internal static class NotificationsApi
{
    public static async Task<Results<Ok<Page<NotificationResponse>>, ValidationProblem>> List(
        ClaimsPrincipal caller, ListNotifications handler, int? limit, string? cursor, bool? unread, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok((await handler.HandleAsync(caller.UserId(), page, unread == true, cancellationToken)).Value!);
    }

    public static async Task<Ok<UnreadCountResponse>> UnreadCount(ClaimsPrincipal caller, CountUnreadNotifications handler, CancellationToken cancellationToken) =>
        TypedResults.Ok((await handler.HandleAsync(caller.UserId(), cancellationToken)).Value!);

    public static async Task<Results<Ok<UnreadCountResponse>, ValidationProblem>> MarkRead(
        MarkNotificationsReadRequest request, ClaimsPrincipal caller, MarkNotificationsRead handler, CancellationToken cancellationToken) =>
        Validated(await handler.HandleAsync(caller.UserId(), request, cancellationToken), TypedResults.Ok);

    public static async Task<Results<Created<DeviceResponse>, ValidationProblem>> RegisterDevice(
        RegisterDeviceRequest request, ClaimsPrincipal caller, RegisterPushDevice handler, CancellationToken cancellationToken) =>
        Validated(await handler.HandleAsync(caller.UserId(), request, cancellationToken), device => TypedResults.Created($"/api/v1/notifications/devices/{device.Id}", device));

    public static async Task<Ok<List<DeviceResponse>>> ListDevices(ClaimsPrincipal caller, ListPushDevices handler, CancellationToken cancellationToken) =>
        TypedResults.Ok((await handler.HandleAsync(caller.UserId(), cancellationToken)).Value!);

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveDevice(Guid id, ClaimsPrincipal caller, RemovePushDevice handler, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(caller.UserId(), id, cancellationToken)).Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    /// <summary>These endpoints answer bad input as a validation problem (as they always have), whatever the field.</summary>
    private static Results<TOk, ValidationProblem> Validated<T, TOk>(Outcome<T> outcome, Func<T, TOk> ok) where TOk : IResult =>
        outcome.Refusal is { } refusal ? ApiProblem.Validation(refusal.Errors!.ToDictionary()) : ok(outcome.Value!);
}
