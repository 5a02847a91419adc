using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.AuditTrail;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin.Pages.Audit;

public sealed class IndexModel(SpotlightDb db) : AdminPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    public Page<AuditEntryResponse> Results { get; private set; } = new([], null);

    public Dictionary<string, string> FieldErrors { get; } = [];

    public List<string> Errors { get; } = [];

    public bool Filtered => !Filter.IsEmpty;

    public AuditFilter Filter => new(Actor, Action, Target, null, From, To);

    /// <summary>The current filters as a query string, for the pager and the CSV link.</summary>
    public string FilterQuery => string.Join('&', new[] { ("actor", Actor), ("action", Action), ("target", Target), ("from", From), ("to", To) }
        .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public async Task OnGetAsync()
    {
        var errors = new FieldErrors();
        if (!PageRequest.TryParse(PageSize, Cursor, out var page, out _))
        {
            Errors.Add("This page link is no longer valid. Start from the first page.");
            return;
        }

        var query = await Filter.ApplyAsync(db, errors, HttpContext.RequestAborted);
        if (query is null)
        {
            foreach (var (field, messages) in errors.ToProblem().ProblemDetails.Errors)
            {
                FieldErrors[field] = string.Join(" ", messages);
                Errors.Add($"{char.ToUpperInvariant(field[0])}{field[1..]}: {FieldErrors[field]}");
            }

            return;
        }

        Results = await AuditQuery.PageAsync(db, IsAdmin ? query : AuditFilter.WithoutMoney(query), page, HttpContext.RequestAborted);
    }
}
