using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Admin.AuditTrail;
using Spotlight.Admin.Dashboard;
using Spotlight.Admin.Settings;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin;

/// <summary><c>/api/v1/admin</c>: dashboard figures, integration settings and the audit log, for the <c>admin</c> role (API.md, Admin).</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/stats", Stats).WithName("AdminStats").WithSummary("The dashboard's figures: users, money, registrations and coins gifted per day, this node's traffic");
        admin.MapGet("/settings/integrations", GetSettings).WithName("AdminGetIntegrationSettings")
            .WithSummary("Every integration setting by section; secrets masked to their last 4 characters");
        admin.MapPut("/settings/integrations/{section}", PutSettings).WithName("AdminPutIntegrationSettings")
            .WithSummary("Change some settings of a section; an empty secret keeps the stored value, null removes it; audit-logged by field");
        admin.MapGet("/audit", Audit).WithName("AdminAudit").WithSummary("The audit log, newest first: filter by actor, action, target, target type, date (YYYY-MM-DD)");
        return admin;
    }

    public static async Task<Ok<DashboardSnapshot>> Stats(DashboardReader dashboard, CancellationToken cancellationToken) =>
        TypedResults.Ok(await dashboard.ReadAsync(forAdmin: true, cancellationToken));

    public static Ok<Dictionary<string, Dictionary<string, object?>>> GetSettings(IntegrationSettings settings) =>
        TypedResults.Ok(IntegrationCatalog.Sections.ToDictionary(s => s.Name, settings.ToJson));

    public static async Task<Results<Ok<Dictionary<string, object?>>, ValidationProblem, ProblemHttpResult>> PutSettings(
        string section, JsonElement body, ClaimsPrincipal caller, SpotlightDb db, IntegrationSettings settings, CancellationToken cancellationToken)
    {
        var definition = IntegrationCatalog.Find(section);
        if (definition is null)
        {
            return ApiProblem.NotFound($"No settings section is called '{section}'. Sections: {string.Join(", ", IntegrationCatalog.Sections.Select(s => s.Name))}.");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiProblem.Create(400, "malformed_json", "Send a JSON object of field → value.");
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var clear = new HashSet<string>(StringComparer.Ordinal);
        var errors = new FieldErrors();
        foreach (var property in body.EnumerateObject())
        {
            var field = definition.Field(property.Name);
            if (field is null)
            {
                return ApiProblem.Create(400, "unknown_field", $"The field '{property.Name}' is not accepted by this endpoint.",
                    new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [property.Name] = ["This field is not accepted."] } });
            }

            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    clear.Add(field.Name);
                    break;
                case JsonValueKind.String:
                    values[field.Name] = value.GetString();
                    break;
                case JsonValueKind.Number when field.IsNumber:
                    values[field.Name] = value.GetRawText();
                    break;
                case JsonValueKind.Array when field.Kind == FieldKind.OriginList && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                    values[field.Name] = string.Join('\n', value.EnumerateArray().Select(v => v.GetString()));
                    break;
                default:
                    errors.Add(field.Name, field.IsNumber ? "Send a whole number." : field.Kind == FieldKind.OriginList ? "Send a list of origins (strings)." : "Send a string.");
                    break;
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var result = await settings.SaveAsync(db, definition, values, clear, caller.UserIdOrNull(), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]>(result.Errors));
        }

        return TypedResults.Ok(settings.ToJson(definition));
    }

    public static async Task<Results<Ok<Page<AuditEntryResponse>>, ValidationProblem>> Audit(
        SpotlightDb db, string? actor, string? action, string? target, string? targetType, string? from, string? to, int? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var query = await new AuditFilter(actor, action, target, targetType, from, to).ApplyAsync(db, errors, cancellationToken);
        if (query is null)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await AuditQuery.PageAsync(db, query, page, cancellationToken));
    }

    /// <summary>The dashboard's tiles as key → formatted text, for the page's script to refresh without a reload.</summary>
    public static async Task<Ok<Dictionary<string, string>>> LiveTiles(ClaimsPrincipal viewer, DashboardReader dashboard, CancellationToken cancellationToken)
    {
        var snapshot = await dashboard.ReadAsync(viewer.IsInRole(Identity.Role.Admin), cancellationToken);
        var tiles = snapshot.Sections.SelectMany(s => s.Tiles).ToDictionary(t => t.Key, t => Charts.SvgChart.Format(t.Value, t.Format));
        tiles["generatedAt"] = snapshot.GeneratedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        return TypedResults.Ok(tiles);
    }

    /// <summary>The audit log as CSV, with the page's filters.</summary>
    public static async Task<IResult> AuditCsv(
        HttpContext http, SpotlightDb db, string? actor, string? action, string? target, string? targetType, string? from, string? to, TimeProvider time)
    {
        var errors = new FieldErrors();
        var query = await new AuditFilter(actor, action, target, targetType, from, to).ApplyAsync(db, errors, http.RequestAborted);
        if (query is null)
        {
            return errors.ToProblem();
        }

        var name = $"spotlight-audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await AuditQuery.WriteCsvAsync(db, http.User.IsInRole(Identity.Role.Admin) ? query : AuditFilter.WithoutMoney(query), http.Response.Body, http.RequestAborted);
        return Results.Empty;
    }
}
