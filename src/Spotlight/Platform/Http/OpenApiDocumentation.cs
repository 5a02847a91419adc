using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Spotlight.Platform.Idempotency;

namespace Spotlight.Platform.Http;

/// <summary>
/// Completes the OpenAPI document with what every endpoint shares and the framework cannot infer: the bearer scheme on
/// endpoints that need a token, and the problem-details errors each endpoint can answer (API.md, Conventions).
/// </summary>
internal static class OpenApiDocumentation
{
    private const string ProblemSchema = "ProblemDetails";

    /// <summary>The extension on a problem response listing the stable <c>code</c>s it can carry.</summary>
    public const string ErrorCodes = "x-error-codes";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(async (document, context, cancellationToken) =>
        {
            document.Info.Title = "Spotlight API";
            document.Info.Description = "The HTTP contract of Spotlight. Errors are RFC 9457 problem details with a stable `code` and the `requestId`.";
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);
            document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var (name, description, integer) in ResponseHeaders)
            {
                document.Components.Headers[name] = new OpenApiHeader
                {
                    Description = description, Schema = new OpenApiSchema { Type = integer ? JsonSchemaType.Integer : JsonSchemaType.String },
                };
            }

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
            var path = "/" + (context.Description.RelativePath ?? "").Split('?')[0];
            var key = $"{context.Description.HttpMethod?.ToUpperInvariant()} {RouteTemplate(path)}";
            var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
            var idempotent = metadata.OfType<IdempotentMetadata>().Any();
            operation.Responses ??= [];
            operation.Parameters ??= [];
            if (requiresToken)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
                AddProblem(operation, context, OpenApiContract.NoToken, "No valid access token: refresh it (POST /api/v1/auth/refresh) or sign in again.");
                AddProblem(operation, context, OpenApiContract.NotAllowed, "The token's roles do not allow this.");
                if (path.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
                {
                    AddProblem(operation, context, OpenApiContract.StaffWithoutSecondFactor, "The token's roles do not allow this.");
                }
            }

            if (context.Description.ParameterDescriptions.Count > 0 || operation.RequestBody is not null)
            {
                AddProblem(operation, context, OpenApiContract.BadInput, "The request is invalid; `errors` maps each field to its messages.");
            }

            if (idempotent)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = OpenApiContract.IdempotencyKey,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "1–255 printable ASCII characters, new for each operation and the same on every retry of it. A repeat after completion replays the stored answer with `Idempotent-Replayed: true`; nothing moves twice.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255 },
                });
                foreach (var failure in OpenApiContract.IdempotencyFailures)
                {
                    AddProblem(operation, context, failure, "See API.md, Idempotency.");
                }
            }

            foreach (var header in OpenApiContract.Headers.GetValueOrDefault(key, []))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = header.Name, In = ParameterLocation.Header, Required = header.Required, Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            foreach (var failure in OpenApiContract.Failures.GetValueOrDefault(key, []))
            {
                AddProblem(operation, context, failure, "See API.md.");
            }

            if (isApi)
            {
                AddProblem(operation, context, OpenApiContract.RateLimited, "Over the rate limit; wait `Retry-After` seconds.");
            }

            AddProblem(operation, context, OpenApiContract.Internal, "An unexpected error; quote the requestId.");
            AddProblem(operation, context, OpenApiContract.Unavailable, "The database is briefly unavailable; wait `Retry-After` seconds.");
            if (operation.Parameters.Count == 0)
            {
                operation.Parameters = null;
            }

            foreach (var (status, response) in operation.Responses)
            {
                AddResponseHeaders(context.Document!, status, response, isApi, idempotent);
                ListCodes(response);
            }

            return Task.CompletedTask;
        });
    }

    /// <summary><c>/api/v1/users/{id:guid}</c> → <c>/api/v1/users/{id}</c>, as the document spells paths.</summary>
    private static string RouteTemplate(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path.TrimEnd('/'), @"\{\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}", "{$1}");

    /// <summary>The response headers API.md names, described once under <c>components/headers</c>.</summary>
    private static readonly (string Name, string Description, bool Integer)[] ResponseHeaders =
    [
        (OpenApiContract.RequestId, "The request's id (the caller's, if it is 1–128 of `[A-Za-z0-9._-]`, else a new one); in every log line of the request.", false),
        (OpenApiContract.RateLimitHeaders[0], "Requests allowed in the current window.", true),
        (OpenApiContract.RateLimitHeaders[1], "Requests left in the current window.", true),
        (OpenApiContract.RateLimitHeaders[2], "Seconds until the window resets.", true),
        (OpenApiContract.RetryAfter, "Seconds to wait before trying again.", true),
        (OpenApiContract.Replayed, "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.", false),
        (OpenApiContract.WwwAuthenticate, "`Bearer`, with `error=\"invalid_token\"` when a token was sent.", false),
    ];

    private static void AddResponseHeaders(OpenApiDocument document, string status, IOpenApiResponse response, bool isApi, bool idempotent)
    {
        if (response is not OpenApiResponse concrete)
        {
            return;
        }

        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
        void Add(string name) => concrete.Headers[name] = new OpenApiHeaderReference(name, document);
        Add(OpenApiContract.RequestId);
        if (isApi)
        {
            foreach (var name in OpenApiContract.RateLimitHeaders)
            {
                Add(name);
            }
        }

        if (status == "401")
        {
            Add(OpenApiContract.WwwAuthenticate);
        }

        if (status is "429" or "503")
        {
            Add(OpenApiContract.RetryAfter);
        }

        if (idempotent && status.StartsWith('2'))
        {
            Add(OpenApiContract.Replayed);
        }
    }

    /// <summary>Names the response's codes in its description too, where the /docs explorer shows them.</summary>
    private static void ListCodes(IOpenApiResponse response)
    {
        if (response is OpenApiResponse { Extensions: { } extensions } concrete && extensions.TryGetValue(ErrorCodes, out var listed) && listed is JsonNodeExtension { Node: JsonArray codes })
        {
            var description = concrete.Description is null or "Bad Request" ? "The request is invalid." : concrete.Description.TrimEnd();
            concrete.Description = description + " Codes: " + string.Join(", ", codes.Select(c => $"`{c}`")) + ".";
        }
    }

    /// <summary>Adds a problem response for the failure's status, or adds its codes to the one already there (as <c>x-error-codes</c> and in the description).</summary>
    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, OpenApiContract.Failure failure, string description)
    {
        var status = failure.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses!.TryGetValue(status, out var existing) || existing is not OpenApiResponse response)
        {
            if (existing is not null)
            {
                return;
            }

            response = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            };
            operation.Responses[status] = response;
        }

        if (failure.Codes.Length == 0)
        {
            return;
        }

        response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        var codes = response.Extensions.TryGetValue(ErrorCodes, out var known) && known is JsonNodeExtension { Node: JsonArray array }
            ? array
            : new JsonArray();
        foreach (var code in failure.Codes.Where(code => !codes.Any(c => c!.GetValue<string>() == code)))
        {
            codes.Add(code);
        }

        response.Extensions[ErrorCodes] = new JsonNodeExtension(codes);
    }
}
