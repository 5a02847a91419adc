using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Security;

namespace Spotlight.Identity.Accounts;

/// <summary>
/// The only fields a user may change about themselves. Anything else in the body (<c>role</c>, <c>tier</c>,
/// <c>emailVerified</c>...) is refused as <c>unknown_field</c> before this runs. A field left out (or null) is unchanged;
/// an empty string clears it.
/// </summary>
public sealed record UpdateMeRequest(string? DisplayName, string? Bio, string? AvatarUrl);

/// <summary><c>PATCH /me</c>: the caller changes their display name, bio or avatar.</summary>
public sealed class UpdateMe(SpotlightDb db)
{
    public const int AvatarUrlMaxLength = 2048;

    internal static readonly Refusal Gone = Refusal.NotFound("The account no longer exists.");

    public async Task<Outcome<MeResponse>> HandleAsync(Guid userId, UpdateMeRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().MaxLength("displayName", request.DisplayName, 50).MaxLength("bio", request.Bio, 500);
        CheckAvatarUrl(errors, request.AvatarUrl);
        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Gone;
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

        await db.SaveChangesAsync(cancellationToken);
        return MeResponse.From(user);
    }

    /// <summary>
    /// An https URL to a public host. The server never fetches it, but every client that shows the profile does: a
    /// loopback, private or link-local address would point other people's browsers and apps into their own networks.
    /// </summary>
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
        else if (IsLocalHost(uri))
        {
            errors.Add("avatarUrl", "Use an https:// URL on a public host, not localhost or a private, loopback or link-local address.");
        }
    }

    private static bool IsLocalHost(Uri uri)
    {
        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
            !host.Contains('.', StringComparison.Ordinal) && uri.HostNameType == UriHostNameType.Dns)
        {
            return true;
        }

        if (!IPAddress.TryParse(uri.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out var address) ||
            uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            return false;
        }

        return NonPublicAddresses.Contains(address);
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
