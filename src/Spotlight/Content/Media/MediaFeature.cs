using Microsoft.Extensions.Options;
using Spotlight.Platform;
using Spotlight.Platform.Http;
using Spotlight.Platform.Storage;

namespace Spotlight.Content.Media;

/// <summary>Registers and maps the media part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class MediaFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Storage and S3 can be saved in the admin console: readers take IOptionsMonitor<MediaOptions>.
        services.AddSettings<MediaOptions>(MediaOptions.Section).ValidateWith(o => o.Problems().Select(problem => $"{MediaOptions.Section}: {problem}"));
        services.AddSingleton(sp => new MediaUrls(sp.GetRequiredService<Platform.Security.PlatformSecrets>(), sp.GetRequiredService<TimeProvider>())
        {
            Lifetime = TimeSpan.FromMinutes(sp.GetRequiredService<IOptions<MediaOptions>>().Value.SignedUrlMinutes),
        });
        services.AddScoped<PostMedia>();
        services.AddScoped<IPostMedia>(sp => sp.GetRequiredService<PostMedia>());
        services.AddSingleton<ImageWorkers>();
        services.AddSingleton<VideoTools>();
        services.AddSingleton<LocalDiskMediaStore>();
        services.AddSingleton<S3MediaStore>();
        services.AddSingleton<IMediaStore, MediaStore>();
        services.AddScoped<UploadMedia>();
        services.AddScoped<ReadMedia>();
        services.AddScoped<DeleteMedia>();
        services.AddUserStorage<MediaStorage>(builder.Configuration);
        services.AddJob<VideoProcessingJob>();
        services.AddJob<MediaCleanupJob>(every: TimeSpan.FromMinutes(10));
        services.AddHealthChecks().AddCheck<VideoProcessingHealthCheck>("video_processing", tags: ["ready"]);
    }

    public static void Map(RouteGroupBuilder api)
    {
        // Multipart overhead (boundaries, part headers) on top of the largest file; the handler enforces each kind's own limit.
        var bodyLimit = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<MediaOptions>>().Value.MaxVideoBytes + (64 * 1024);
        var media = api.MapGroup("/media");
        media.MapPost("", MediaApi.Upload).RequireAuthorization()
            .Accepts<IFormFile>("multipart/form-data")
            .WithRequestBodyLimit(bodyLimit)
            // A large video on a slow link takes longer than the default request timeout; Kestrel's minimum data rate still ends a stalled upload.
            .DisableRequestTimeout()
            .WithName("UploadMedia").WithSummary("Upload a photo or video (multipart, one part 'file'); the type is read from the bytes");
        media.MapGet("/{id:guid}", MediaApi.Get)
            .WithName("GetMedia").WithSummary("A medium, for its owner or anyone entitled to the post that carries it");
        media.MapDelete("/{id:guid}", MediaApi.Delete).RequireAuthorization()
            .WithName("DeleteMedia").WithSummary("Delete an upload of yours that no post carries");
        media.MapGet("/{id:guid}/file", MediaApi.File).DisableRequestTimeout()
            .WithName("GetMediaFile").WithSummary("The medium's bytes (signed URL unless its post is public; Range supported)");
        media.MapGet("/{id:guid}/thumbnail", MediaApi.Thumbnail)
            .WithName("GetMediaThumbnail").WithSummary("The medium's thumbnail or poster frame (signed URL unless its post is public)");
    }
}
