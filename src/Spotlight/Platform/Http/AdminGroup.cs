namespace Spotlight.Platform.Http;

public static class AdminGroup
{
    public const string Prefix = "/api/v1/admin";

    /// <summary>
    /// A route group under <c>/api/v1/admin</c> that only the <c>admin</c> role may call. Each module maps its admin
    /// routes on its own group from here, so none can forget the policy.
    /// </summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup(Prefix).RequireAuthorization("admin").WithTags("Admin");
}
