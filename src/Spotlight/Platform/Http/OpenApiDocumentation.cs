using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Spotlight.Platform.Http;

/// <summary>
/// Completes the OpenAPI document with what every endpoint shares and the framework cannot infer: the bearer scheme on
/// endpoints that need a token, and the problem-details errors each endpoint can answer (API.md, Conventions).
/// </summary>
internal static class OpenApiDocumentation
{
    private const string ProblemSchema = "ProblemDetails";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(async (document, context, cancellationToken) =>
        {
            document.Info.Title = "Spotlight API";
            document.Info.Description = "The HTTP contract of Spotlight. Errors are RFC 9457 problem details with a stable `code` and the `requestId`.";
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from /api/v1/auth/login, /register or /refresh.",
            };
        });

        options.AddOperationTransformer((operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var requiresToken = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            var path = "/" + (context.Description.RelativePath ?? "");
            operation.Responses ??= [];
            if (requiresToken)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
                AddProblem(operation, context, "401", "No valid access token.");
                AddProblem(operation, context, "403", "The token's roles do not allow this.");
            }

            if (context.Description.ParameterDescriptions.Count > 0)
            {
                AddProblem(operation, context, "400", "The request is invalid: `validation_failed` (with `errors`), `malformed_json`, `unknown_field`...");
            }

            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                AddProblem(operation, context, "429", "Over the rate limit (`rate_limited`); see Retry-After.");
            }

            AddProblem(operation, context, "500", "An unexpected error (`internal_error`); quote the requestId.");
            AddProblem(operation, context, "503", "The database is briefly unavailable (`service_unavailable`); see Retry-After.");
            return Task.CompletedTask;
        });
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
            },
        };
    }
}
