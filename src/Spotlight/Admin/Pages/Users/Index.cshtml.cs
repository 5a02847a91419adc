using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Identity.Administration;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin.Pages.Users;

/// <summary>Accounts by email or handle, newest first, 25 a page (the API's search, so both find the same accounts).</summary>
public sealed class IndexModel(SearchUsers search) : AdminPage
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<AdminUserResponse> Results { get; private set; } = new([], null);

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync()
    {
        if (Query?.Length > 254)
        {
            Errors.Add("The search is too long: at most 254 characters.");
            return;
        }

        if (!PageRequest.TryParse(PageSize, Cursor, out var page, out _))
        {
            Errors.Add("This page link is no longer valid. Start the search again.");
            return;
        }

        Results = await search.HandleAsync(Query, page, HttpContext.RequestAborted);
    }
}
