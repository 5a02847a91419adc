using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Creators;

internal sealed record CreatorApplicationRequest(string? Category, string? Country, string? About, string[]? Links, bool? AcceptTerms);

public sealed record CreatorApplicationResponse(
    Guid Id, string Status, string Category, string Country, string About, IReadOnlyList<string> Links, DateTime SubmittedAt, DateTime? DecidedAt, string? Reason)
{
    internal static CreatorApplicationResponse From(CreatorApplication a) => new(
        a.Id, a.Status, a.Category, a.Country, a.About, a.Links.Split('\n', StringSplitOptions.RemoveEmptyEntries), a.SubmittedAt, a.DecidedAt, a.Reason);
}

/// <summary>Creator onboarding (<c>Creators:*</c>).</summary>
internal sealed class CreatorOptions
{
    public const string Section = "Creators";

    /// <summary>Approve every complete application at once (a small or invite-only community); off: an admin decides.</summary>
    public bool AutoApprove { get; set; }
}

/// <summary>
/// <c>POST /api/v1/creator/application</c>: a user asks to become a creator. Pending until an admin decides (API or
/// console), or approved at once with <c>Creators:AutoApprove</c>. One pending application per user (a unique index).
/// </summary>
internal sealed class ApplyAsCreator(SpotlightDb db, IOptionsMonitor<CreatorOptions> options, CreatorRole role, AuditLog audit, TimeProvider time)
{
    public static readonly string[] Categories = ["music", "gaming", "lifestyle", "education", "comedy", "sports", "art", "beauty", "food", "travel", "other"];

    public async Task<Outcome<CreatorApplicationResponse>> HandleAsync(Guid userId, CreatorApplicationRequest request, CancellationToken cancellationToken)
    {
        var links = (request.Links ?? []).Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).ToList();
        var errors = new FieldErrors();
        if (request.Category?.Trim().ToLowerInvariant() is not { } category || !Categories.Contains(category))
        {
            errors.Add("category", $"One of: {string.Join(", ", Categories)}.");
            category = "";
        }

        var country = request.Country?.Trim().ToUpperInvariant() ?? "";
        if (country.Length != 2 || !country.All(char.IsAsciiLetterUpper))
        {
            errors.Add("country", "The ISO 3166-1 alpha-2 code of the country you earn in, e.g. US or DE (payouts and tax depend on it).");
        }

        var about = request.About?.Trim() ?? "";
        if (about.Length is < 20 or > 2000)
        {
            errors.Add("about", "Tell the platform what you create and for whom, in 20 to 2,000 characters.");
        }

        if (links.Count > 5 || links.Any(l => l.Length > 500 || !Uri.TryCreate(l, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            errors.Add("links", "Up to 5 http(s) links to your existing work.");
        }

        if (request.AcceptTerms is not true)
        {
            errors.Add("acceptTerms", "Accept the creator terms (revenue splits and payouts) to apply.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.RoleList.Contains(Role.Creator))
        {
            return new Refusal(StatusCodes.Status409Conflict, "already_creator", "This account is a creator already.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var application = new CreatorApplication
        {
            Id = Guid.CreateVersion7(), UserId = userId, PendingUserId = userId, Category = category, Country = country, About = about,
            Links = string.Join('\n', links), SubmittedAt = now,
        };
        db.Add(application);
        audit.Add(db, "creator.applied", "user", userId.ToString(), new { application.Id, category, country });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new Refusal(StatusCodes.Status409Conflict, "application_pending",
                "An application of this account is waiting for a decision: GET /api/v1/creator/application shows it.");
        }

        if (options.CurrentValue.AutoApprove)
        {
            return await role.ApproveAsync(application.Id, decidedBy: null, cancellationToken);
        }

        return CreatorApplicationResponse.From(application);
    }
}

/// <summary><c>GET /api/v1/creator/application</c>: the caller's latest application, or 404 when they never applied.</summary>
internal sealed class ReadCreatorApplication(SpotlightDb db)
{
    public async Task<Outcome<CreatorApplicationResponse>> HandleAsync(Guid userId, CancellationToken cancellationToken) =>
        await db.Set<CreatorApplication>().AsNoTracking().Where(a => a.UserId == userId).OrderByDescending(a => a.SubmittedAt).ThenByDescending(a => a.Id)
            .FirstOrDefaultAsync(cancellationToken) is { } application
            ? CreatorApplicationResponse.From(application)
            : Refusal.NotFound("This account has not applied to be a creator: POST /api/v1/creator/application.");
}
