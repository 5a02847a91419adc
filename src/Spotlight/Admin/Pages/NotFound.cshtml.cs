namespace Spotlight.Admin.Pages;

/// <summary>Any /admin address that is no page: a 404 inside the console's layout, with a way back.</summary>
public sealed class NotFoundModel : Console.AdminPage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status404NotFound;
}
