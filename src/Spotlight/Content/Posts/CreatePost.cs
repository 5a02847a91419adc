using Spotlight.Content.Media;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Social;
using Spotlight.Wallet.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Spotlight.Content.Posts;

/// <summary><c>POST /posts</c>. Unknown fields are refused globally.</summary>
public sealed record CreatePostRequest(string? Text, Guid[]? MediaIds, string? Visibility, Guid[]? PlanIds, long? Price);

/// <summary>
/// Publishes a post. Anyone may post <c>public</c> and <c>followers</c> posts; only creators sell access
/// (<c>subscribers</c>, <c>premium</c>: 403 <c>not_creator</c>), and only on plans of their own. In one transaction: the post,
/// its plans, its hashtags, its media (in order, exposed as the visibility says) and the events (published, mentions).
/// </summary>
public sealed class CreatePost(
    SpotlightDb db, IPostMedia media, IUserDirectory users, IBlockList blocks, ISubscriptionAccess subscriptions, IPostReader reader,
    DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<PostResponse>> HandleAsync(Viewer author, CreatePostRequest request, CancellationToken cancellationToken)
    {
        var authorId = author.UserId!.Value;
        var mediaIds = request.MediaIds ?? [];
        var planIds = request.PlanIds ?? [];
        var checks = PostRules.Check(request.Text, request.Visibility, requireVisibility: true, mediaIds);
        if (request.Visibility is { } visibility && Visibility.All.Contains(visibility, StringComparer.Ordinal))
        {
            PostRules.CheckGate(checks, visibility, planIds, request.Price);
        }

        if (string.IsNullOrWhiteSpace(request.Text) && mediaIds.Length == 0)
        {
            checks.Add("text", "A post needs text or media.");
        }

        if (checks.Any)
        {
            return checks.ToRefusal();
        }

        if (await PostRules.CheckSellerAsync(users, subscriptions, authorId, request.Visibility!, planIds, cancellationToken) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var post = new Post
        {
            Id = Guid.CreateVersion7(), AuthorId = authorId, Text = request.Text ?? "", Visibility = request.Visibility!,
            Price = request.Visibility == Visibility.Premium ? request.Price : null, CreatedAt = now,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Add(post);
        db.AddRange(planIds.Distinct().Select(id => new PostPlan { PostId = post.Id, PlanId = id }));
        db.AddRange(PostText.Hashtags(post.Text).Select(tag => new PostHashtag { PostId = post.Id, Tag = tag }));
        await db.SaveChangesAsync(cancellationToken);
        if (mediaIds.Length > 0 && await media.AttachAsync(authorId, post.Id, mediaIds, PostRules.ExposureOf(post.Visibility), cancellationToken) is { } missing)
        {
            return missing; // the transaction rolls back as it is disposed
        }

        events.Raise(db, new PostPublished(post.Id, authorId, post.Visibility, now));
        if (await MentionedAsync(users, blocks, authorId, post.Text, cancellationToken) is { Count: > 0 } mentioned)
        {
            events.Raise(db, new UsersMentioned(post.Id, null, authorId, mentioned));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await reader.ShapeAsync(author, [post], cancellationToken))[0];
    }

    /// <summary>The active users <c>@mentioned</c> in <paramref name="text"/>, but not the writer and no one with a block between them.</summary>
    internal static async Task<IReadOnlyList<Guid>> MentionedAsync(
        IUserDirectory users, IBlockList blocks, Guid writerId, string? text, CancellationToken cancellationToken)
    {
        var handles = PostText.Mentions(text);
        if (handles.Count == 0)
        {
            return [];
        }

        var found = (await users.FindByHandlesAsync(handles, cancellationToken)).Values.Where(id => id != writerId).Distinct().ToList();
        if (found.Count == 0)
        {
            return [];
        }

        var blocked = await blocks.BlockedEitherWay(writerId).Where(id => found.Contains(id)).ToListAsync(cancellationToken);
        return found.Except(blocked).ToList();
    }
}

/// <summary>The rules a post's fields follow, shared by creating and editing.</summary>
internal static class PostRules
{
    /// <summary>A premium price's ceiling: far above any real price, far below overflow in a split.</summary>
    public const long MaxPrice = 1_000_000_000;

    /// <summary>The fields that stand alone (text, media, visibility); the gate's fields depend on the visibility: <see cref="CheckGate"/>.</summary>
    public static FieldErrors Check(string? text, string? visibility, bool requireVisibility, Guid[] mediaIds)
    {
        var checks = new FieldErrors();
        if (text is not null && text.Length > Post.MaxTextLength)
        {
            checks.Add("text", $"At most {Post.MaxTextLength} characters.");
        }
        else if (text is not null && !PostText.IsStorable(text))
        {
            checks.Add("text", "The text contains control characters or malformed Unicode.");
        }

        if (mediaIds.Length > Post.MaxMedia)
        {
            checks.Add("mediaIds", $"At most {Post.MaxMedia} media.");
        }
        else if (mediaIds.Distinct().Count() != mediaIds.Length)
        {
            checks.Add("mediaIds", "A medium is listed twice.");
        }

        if (visibility is null)
        {
            if (requireVisibility)
            {
                checks.Add("visibility", $"Choose one of: {string.Join(", ", Visibility.All)}.");
            }
        }
        else if (!Visibility.All.Contains(visibility, StringComparer.Ordinal))
        {
            checks.Add("visibility", $"Choose one of: {string.Join(", ", Visibility.All)}.");
        }

        return checks;
    }

    /// <summary>A price goes with premium only (and premium needs one); plans go with subscribers only.</summary>
    public static void CheckGate(FieldErrors checks, string visibility, Guid[] planIds, long? price)
    {
        if (visibility == Visibility.Premium)
        {
            if (price is null or < 1 or > MaxPrice)
            {
                checks.Add("price", $"A premium post needs a price from 1 to {MaxPrice} coins.");
            }
        }
        else if (price is not null)
        {
            checks.Add("price", "Only a premium post has a price.");
        }

        if (planIds.Length > 0 && visibility != Visibility.Subscribers)
        {
            checks.Add("planIds", "Only a subscribers post lists plans.");
        }
        else if (planIds.Distinct().Count() != planIds.Length)
        {
            checks.Add("planIds", "A plan is listed twice.");
        }
    }

    /// <summary>Gated content is sold by creators only, on their own plans.</summary>
    public static async Task<Refusal?> CheckSellerAsync(
        IUserDirectory users, ISubscriptionAccess subscriptions, Guid authorId, string visibility, IReadOnlyCollection<Guid> planIds, CancellationToken cancellationToken)
    {
        if (visibility is not (Visibility.Subscribers or Visibility.Premium))
        {
            return null;
        }

        var facts = await users.FactsAsync([authorId], cancellationToken);
        if (!facts.TryGetValue(authorId, out var author) || !author.IsCreator)
        {
            return Refusal.Forbidden("not_creator", "Only creators may post for subscribers or sell premium posts.");
        }

        return planIds.Count > 0 && !await subscriptions.AreCreatorsPlansAsync(authorId, planIds, cancellationToken)
            ? Refusal.Invalid("planIds", "Every plan must be one of yours.")
            : null;
    }

    public static MediaExposure ExposureOf(string visibility) => visibility == Visibility.Public ? MediaExposure.Public : MediaExposure.Gated;
}
