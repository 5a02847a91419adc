namespace Spotlight.Moderation;

/// <summary>Reports of posts, comments, users, messages and lives, and the moderators' queue (API.md, <c>POST /reports</c>, Admin reports).</summary>
public static class ModerationModule
{
    public static WebApplicationBuilder AddModeration(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static IEndpointRouteBuilder MapModeration(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
