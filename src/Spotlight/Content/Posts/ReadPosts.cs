using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Content.Posts;

/// <summary><c>GET /posts/{id}</c>: the post as the viewer may see it, 404 when they may not see it at all.</summary>
public sealed class ReadPost(SpotlightDb db, IPostReader reader)
{
    public async Task<Outcome<PostResponse>> HandleAsync(Viewer viewer, Guid postId, CancellationToken cancellationToken)
    {
        var post = await db.Set<Post>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == postId, cancellationToken);
        var shaped = post is null ? [] : await reader.ShapeAsync(viewer, [post], cancellationToken);
        return shaped.Count == 0 ? NotFound : shaped[0];
    }

    public static readonly Refusal NotFound = Refusal.NotFound("No post you may see has this id.");
}
