using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Settings;
using Spotlight.Data;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Admin.Pages.Settings;

/// <summary>
/// Integration settings, one form per section. Secrets are shown masked and never sent back to the browser; an empty
/// secret field keeps the stored value. A failed save shows every problem beside its field and keeps what was typed
/// (except secrets, which must be entered again).
/// </summary>
public sealed class IndexModel(SpotlightDb db, IntegrationSettings settings, IRevenueSplits splits) : AdminPage
{
    [BindProperty]
    public Dictionary<string, string?> Values { get; set; } = [];

    [BindProperty]
    public List<string> Clear { get; set; } = [];

    /// <summary>The section whose save failed: its form shows the typed values and the errors.</summary>
    public string? FailedSection { get; private set; }

    public IReadOnlyDictionary<string, string[]> FieldErrors { get; private set; } = new Dictionary<string, string[]>();

    public List<string> Errors { get; } = [];

    public IReadOnlyList<IntegrationSection> Sections => IntegrationCatalog.Sections;

    public IReadOnlyList<FieldView> Describe(IntegrationSection section) => settings.Describe(section);

    /// <summary>The split the wallet applies now (what was saved, else its configuration).</summary>
    public SplitPercentages SplitInForce(SaleKind kind) => splits.Percentages(kind);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string section)
    {
        var definition = IntegrationCatalog.Find(section);
        if (definition is null)
        {
            return NotFound();
        }

        var values = Values.Where(v => definition.Field(v.Key) is not null).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        var clear = Clear.Where(c => definition.Field(c)?.IsSecret == true).ToHashSet(StringComparer.Ordinal);
        var result = await settings.SaveAsync(db, definition, values, clear, CurrentUserId, HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            FailedSection = section;
            FieldErrors = result.Errors;
            Errors.Add($"{definition.Title} was not saved: {string.Join(" ", result.Errors.Values.SelectMany(v => v))}");
            if (definition.Fields.Any(f => f.IsSecret && !string.IsNullOrEmpty(Values.GetValueOrDefault(f.Name))))
            {
                Errors.Add("Secrets are never sent back to the browser: enter them again.");
            }

            return Page();
        }

        Flash(result.Changed.Count == 0
            ? $"{definition.Title}: nothing changed."
            : $"{definition.Title} saved: {string.Join(", ", result.Changed.Select(c => definition.Field(c)!.Label))}.");
        return Redirect($"/admin/settings#{section}");
    }

    /// <summary>What a plain field's input shows: what was typed if this section failed, else the value in force.</summary>
    public string? InputValue(IntegrationSection section, FieldView view) =>
        FailedSection == section.Name && Values.TryGetValue(view.Field.Name, out var typed) ? typed : view.Source == "database" || view.Source == "configuration" ? view.Shown : null;
}
