namespace Spotlight.Admin.Pages;

/// <summary>Where a signed-in moderator lands when a page is for administrators only: a 403 that explains itself.</summary>
public sealed class DeniedModel : Console.AdminPage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
