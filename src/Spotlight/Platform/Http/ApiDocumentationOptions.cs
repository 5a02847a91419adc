
namespace Spotlight.Platform.Http;

/// <summary>
/// <c>Api:*</c>: which descriptions of the API are served. <c>Api:OpenApiDocument</c> (<c>/openapi/v1.json</c>, on by
/// default: clients generate from it) and <c>Api:Docs</c> (the UI at <c>/docs</c>, off by default in Production, where
/// it would be a public map of the API for anyone who finds the host).
/// </summary>
public sealed class ApiDocumentationOptions
{
    public const string Section = "Api";

    public bool OpenApiDocument { get; set; } = true;

    public bool? Docs { get; set; }

    /// <summary>Binds <c>Api:*</c>; <see cref="Docs"/> left unset follows the document, off in Production.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddSettings<ApiDocumentationOptions>(Section)
            .Validate(o => !(o.Docs == true && !o.OpenApiDocument),
                "Api:Docs is on but Api:OpenApiDocument is off: the docs UI shows that document. Turn both on, or Api:Docs off.")
            .PostConfigure<IHostEnvironment>((o, environment) => o.Docs ??= o.OpenApiDocument && !environment.IsProduction());
}
