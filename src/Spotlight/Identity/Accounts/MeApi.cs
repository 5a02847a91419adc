using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;

namespace Spotlight.Identity.Accounts;

/// <summary>
/// The only fields a user may change about themselves. Anything else in the body (<c>role</c>, <c>tier</c>,
/// <c>emailVerified</c>...) is refused as <c>unknown_field</c> before this runs. A field left out (or null) is unchanged;
/// an empty string clears it.
/// </summary>
public sealed record UpdateMeRequest(string? DisplayName, string? Bio, string? AvatarUrl);

internal static class MeApi
{
    public const int AvatarUrlMaxLength = 2048;

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Get(ClaimsPrincipal caller, SpotlightDb db)
    {
        var id = caller.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id);
        return user is null ? ApiProblem.NotFound("The account no longer exists.") : TypedResults.Ok(MeResponse.From(user));
    }

    public static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> Update(UpdateMeRequest request, ClaimsPrincipal caller, SpotlightDb db)
    {
        var errors = new FieldErrors().MaxLength("displayName", request.DisplayName, 50).MaxLength("bio", request.Bio, 500);
        CheckAvatarUrl(errors, request.AvatarUrl);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var id = caller.UserId();
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return ApiProblem.NotFound("The account no longer exists.");
        }

        if (request.DisplayName is not null)
        {
            user.DisplayName = Blank(request.DisplayName);
        }

        if (request.Bio is not null)
        {
            user.Bio = Blank(request.Bio);
        }

        if (request.AvatarUrl is not null)
        {
            user.AvatarUrl = Blank(request.AvatarUrl);
        }

        await db.SaveChangesAsync();
        return TypedResults.Ok(MeResponse.From(user));
    }

    /// <summary>An https URL the clients load; the server never fetches it (no server-side request forgery).</summary>
    internal static void CheckAvatarUrl(FieldErrors errors, string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return;
        }

        if (url.Length > AvatarUrlMaxLength)
        {
            errors.Add("avatarUrl", $"At most {AvatarUrlMaxLength} characters.");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add("avatarUrl", "Use an https:// URL.");
        }
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
