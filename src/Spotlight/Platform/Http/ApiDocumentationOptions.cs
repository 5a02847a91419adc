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

    public static ApiDocumentationOptions Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(Section).Get<ApiDocumentationOptions>() ?? new ApiDocumentationOptions();
        if (options.Docs == true && !options.OpenApiDocument)
        {
            throw new StartupRefusedException("Api:Docs is on but Api:OpenApiDocument is off: the docs UI shows that document. Turn both on, or Api:Docs off.");
        }

        options.Docs ??= options.OpenApiDocument && !environment.IsProduction();
        return options;
    }
}
