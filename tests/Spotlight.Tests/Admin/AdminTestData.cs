using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Admin;

internal static class AdminTestData
{
    /// <summary>Turns on two-factor authentication through the API, as the user's app would; returns the setup key.</summary>
    public static async Task<string> EnableTwoFactorAsync(SpotlightApp app, TestUser user)
    {
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(System.Net.HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        var enable = await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret, app.Clock.GetUtcNow()) });
        await enable.ShouldBeAsync(System.Net.HttpStatusCode.NoContent);
        // A code is good once per time step: the next sign-in uses the authenticator's next code, as a person would.
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    /// <summary>A real ledger transaction (an admin adjustment of one coin to the user's wallet), for routes that name one.</summary>
    public static async Task<Guid> SomeTransactionAsync(SpotlightApp app, Guid userId)
    {
        var admin = await app.CreateAdminAsync();
        var response = await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{userId}/adjustments", new { amount = 1, reason = "a transaction for the route tests" });
        return (await response.ShouldBeAsync(System.Net.HttpStatusCode.Created)).GetProperty("transactionId").GetGuid();
    }

    /// <summary>Every GET route of the console (pages and the JSON/CSV it serves), from the endpoint data source.</summary>
    public static IReadOnlyList<ConsoleRoute> ConsoleRoutes(SpotlightApp app, Guid someUserId, Guid someTransactionId)
    {
        var routes = new List<ConsoleRoute>();
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText?.TrimStart('/') ?? "";
            if (!(pattern == "admin" || pattern.StartsWith("admin/", StringComparison.Ordinal)))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is not null && !methods.Contains("GET"))
            {
                continue;
            }

            var path = "/" + pattern.Replace("{id:guid}", someUserId.ToString(), StringComparison.Ordinal).Replace("{name}", "admin.css", StringComparison.Ordinal)
                .Replace("{transactionId:guid}", someTransactionId.ToString(), StringComparison.Ordinal)
                .Replace("{liveId:guid}", pattern.Contains("{liveId:guid}", StringComparison.Ordinal) ? SomeLive(app, someUserId).ToString() : "", StringComparison.Ordinal)
                .Replace("{**path}", "no-such-page", StringComparison.Ordinal);
            Assert.DoesNotContain("{", path, StringComparison.Ordinal); // a new route parameter: teach this method a value for it
            var anonymous = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).ToList();
            var isPage = endpoint.Metadata.Any(m => m.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Mvc.RazorPages", StringComparison.Ordinal) == true);
            routes.Add(new ConsoleRoute(path, isPage, anonymous, policies.Contains("admin-console-admin")));
        }

        return routes.DistinctBy(r => r.Path).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>A live on of <paramref name="creatorId"/> (stored directly: the console's live page needs no LiveKit to open).</summary>
    private static Guid SomeLive(SpotlightApp app, Guid creatorId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Spotlight.Data.SpotlightDb>();
        if (db.Set<Spotlight.Live.Lives.LiveSession>().Where(l => l.OnAirCreatorId == creatorId).Select(l => (Guid?)l.Id).SingleOrDefault() is { } on)
        {
            return on;
        }

        var id = Guid.CreateVersion7();
        var now = DateTime.UtcNow;
        db.Add(new Spotlight.Live.Lives.LiveSession
        {
            Id = id, CreatorId = creatorId, OnAirCreatorId = creatorId, Title = "Console check", Visibility = "public", RoomName = "live_" + id.ToString("N"),
            Status = "live", StartedAt = now, LastConfirmedAt = now,
        });
        db.SaveChanges();
        return id;
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}

internal sealed record ConsoleRoute(string Path, bool IsPage, bool Anonymous, bool AdminOnly);
