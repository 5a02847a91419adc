using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Content.Posts;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Social;

namespace Spotlight.Content.Discovery.ForYou;

/// <summary>
/// <c>GET /feed/for-you</c>: posts by stored rank (<see cref="HotRank"/>), highest first, from two index scans merged:
/// recent posts of accounts the viewer follows, their rank raised by <see cref="ForYouOptions.FollowBoost"/>, and every
/// other post. A new user follows no one, so they get the globally hot posts: that is the cold start. Left out: the
/// viewer's own posts, deleted, hidden and removed posts, authors banned or blocked either way, and what this feed
/// served the viewer in the last <see cref="ForYouOptions.SeenHours"/> (recorded as it serves). Social has no mutes yet,
/// so none are left out. Posts go through the reader: a post the viewer may not open comes locked (an advertisement for
/// its creator), one they may not see at all never comes.
/// </summary>
public sealed class ForYouFeed(
    SpotlightDb db, IPostReader reader, IFollowGraph follows, IBlockList blocks, IUserDirectory users, IOptions<ForYouOptions> options, TimeProvider time)
{
    public async Task<Page<PostResponse>> HandleAsync(Viewer viewer, Guid me, int limit, RankCursor? cursor, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        // "Recent" by id (UUID v7: creation time first), so the followed lane can read the (AuthorId, Id) index of posts.
        var followedSince = FirstIdAt(now.AddHours(-o.FollowedWindowHours));
        var followees = follows.FollowingIds(me);
        var candidates = Candidates(me, now);

        var followed = Lane(candidates.Where(c => followees.Contains(c.Post.AuthorId) && c.PostId.CompareTo(followedSince) >= 0), o.FollowBoost, cursor);
        var others = Lane(candidates.Where(c => !followees.Contains(c.Post.AuthorId) || c.PostId.CompareTo(followedSince) < 0), 0, cursor);
        var merged = (await followed.Take(limit + 1).ToListAsync(cancellationToken))
            .Select(c => new Ranked(c.Post, c.Rank + o.FollowBoost))
            .Concat((await others.Take(limit + 1).ToListAsync(cancellationToken)).Select(c => new Ranked(c.Post, c.Rank)))
            .Order(RankOrder.Instance)
            .Take(limit + 1)
            .ToList();

        var page = merged.Take(limit).ToList();
        var items = await reader.ShapeAsync(viewer, page.Select(r => r.Post).ToList(), cancellationToken);
        await RecordImpressionsAsync(me, items, now, cancellationToken);
        return new Page<PostResponse>(items, merged.Count > limit ? new RankCursor(page[^1].Rank, page[^1].Post.Id).Encode() : null);
    }

    /// <summary>What no viewer's for-you feed shows, and what this viewer saw recently, in SQL over the rank index.</summary>
    private IQueryable<Candidate> Candidates(Guid me, DateTime now)
    {
        var active = users.ActiveUserIds();
        var blocked = blocks.BlockedEitherWay(me);
        var query = db.Set<PostRank>().Join(db.Set<Post>(), r => r.PostId, p => p.Id, (r, p) => new Candidate { Post = p, PostId = r.PostId, Rank = r.Rank })
            .Where(c => c.Post.DeletedAt == null && c.Post.ModerationStatus == null && c.Post.AuthorId != me
                && active.Contains(c.Post.AuthorId) && !blocked.Contains(c.Post.AuthorId));
        if (options.Value.SeenHours > 0)
        {
            var seenSince = now.AddHours(-options.Value.SeenHours);
            query = query.Where(c => !db.Set<FeedImpression>().Any(i => i.ViewerId == me && i.PostId == c.PostId && i.ServedAt >= seenSince));
        }

        return query;
    }

    /// <summary>One lane in effective-rank order (stored rank + <paramref name="boost"/>), after the cursor.</summary>
    private static IQueryable<Candidate> Lane(IQueryable<Candidate> lane, double boost, RankCursor? cursor)
    {
        if (cursor is { } after)
        {
            var (rank, id) = (after.Rank, after.PostId);
            lane = lane.Where(c => c.Rank + boost < rank || (c.Rank + boost == rank && c.PostId.CompareTo(id) < 0));
        }

        // The rank row's own columns, so the order is the (Rank, PostId) index's, read backwards.
        return lane.OrderByDescending(c => c.Rank).ThenByDescending(c => c.PostId);
    }

    /// <summary>The smallest UUID v7 of a moment: its 48-bit millisecond timestamp, then zeros.</summary>
    internal static Guid FirstIdAt(DateTime moment)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        var milliseconds = Math.Max(0, new DateTimeOffset(moment, TimeSpan.Zero).ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        return new Guid(bytes, bigEndian: true);
    }

    private async Task RecordImpressionsAsync(Guid me, IReadOnlyList<PostResponse> served, DateTime now, CancellationToken cancellationToken)
    {
        if (served.Count == 0 || options.Value.SeenHours <= 0)
        {
            return;
        }

        var sql = new StringBuilder("INSERT INTO feed_impressions (\"ViewerId\", \"PostId\", \"ServedAt\") VALUES ");
        var parameters = new List<object> { me, now };
        for (var i = 0; i < served.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append("({0}, {").Append(parameters.Count).Append("}, {1})");
            parameters.Add(served[i].Id);
        }

        sql.Append(" ON CONFLICT (\"ViewerId\", \"PostId\") DO UPDATE SET \"ServedAt\" = excluded.\"ServedAt\"");
        await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }

    /// <summary>A member-initialized shape (not a constructor) so EF can keep composing filters over it.</summary>
    internal sealed class Candidate
    {
        public required Post Post { get; init; }

        public Guid PostId { get; init; }

        public double Rank { get; init; }
    }

    private sealed record Ranked(Post Post, double Rank);

    /// <summary>Highest rank first, ties by id in the databases' order (big-endian bytes), as the lanes are sorted.</summary>
    private sealed class RankOrder : IComparer<Ranked>
    {
        public static readonly RankOrder Instance = new();

        public int Compare(Ranked? x, Ranked? y)
        {
            var byRank = y!.Rank.CompareTo(x!.Rank);
            return byRank != 0 ? byRank : y.Post.Id.ToByteArray(bigEndian: true).AsSpan().SequenceCompareTo(x.Post.Id.ToByteArray(bigEndian: true));
        }
    }
}

/// <summary>Where a for-you page stopped: the last item's effective rank and id, exact (the double's own bits), opaque to clients.</summary>
public readonly record struct RankCursor(double Rank, Guid PostId)
{
    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, BitConverter.DoubleToInt64Bits(Rank));
        PostId.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static RankCursor? Decode(string cursor)
    {
        Span<byte> bytes = stackalloc byte[26];
        if (cursor.Length != 32 || !Base64Url.IsValid(cursor) || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 24)
        {
            return null;
        }

        var rank = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(bytes));
        return double.IsFinite(rank) ? new RankCursor(rank, new Guid(bytes[8..24], bigEndian: true)) : null;
    }

    public static Outcome<RankCursor?> Parse(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? new Outcome<RankCursor?>(null, null)
        : Decode(cursor) is { } decoded ? new Outcome<RankCursor?>(decoded, null)
        : Refusal.Invalid("cursor", "This cursor is not one the server issued.");
}
