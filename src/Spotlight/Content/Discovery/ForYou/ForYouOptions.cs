namespace Spotlight.Content.Discovery.ForYou;

/// <summary>
/// <c>Content:ForYou</c>: the for-you ranking's weights and windows (docs: the formula in <see cref="HotRank"/>).
/// Validated at start: a negative weight or a zero decay would rank nonsense silently.
/// </summary>
public sealed class ForYouOptions
{
    public const string Section = "Content:ForYou";

    /// <summary>Points per like: the cheapest signal.</summary>
    public double LikeWeight { get; set; } = 1;

    /// <summary>Points per comment: it takes more effort than a like.</summary>
    public double CommentWeight { get; set; } = 3;

    /// <summary>Points per premium unlock: someone paid to see it.</summary>
    public double UnlockWeight { get; set; } = 5;

    /// <summary>Points per coin of gifts sent to the author outside a live, credited to their latest post (100 coins = 5 likes).</summary>
    public double GiftCoinWeight { get; set; } = 0.05;

    /// <summary>
    /// Seconds of age that cost one order of magnitude of engagement (Reddit's 45,000 s = 12.5 h): a post needs ten
    /// times the points to stand level with one 12.5 hours younger.
    /// </summary>
    public double DecaySeconds { get; set; } = 45000;

    /// <summary>Rank added to recent posts of accounts the viewer follows (1 = as if they had ten times the points).</summary>
    public double FollowBoost { get; set; } = 1;

    /// <summary>How far back a followed account's posts get <see cref="FollowBoost"/>.</summary>
    public double FollowedWindowHours { get; set; } = 72;

    /// <summary>How long a post the feed served stays out of the viewer's for-you feed ("already seen recently").</summary>
    public double SeenHours { get; set; } = 24;

    /// <summary>How far back a gift counts toward the author's latest post (none that old: the gift counts nowhere).</summary>
    public double GiftWindowHours { get; set; } = 48;

    public bool IsValid() =>
        LikeWeight >= 0 && CommentWeight >= 0 && UnlockWeight >= 0 && GiftCoinWeight >= 0 && FollowBoost >= 0
        && DecaySeconds > 0 && FollowedWindowHours >= 0 && SeenHours >= 0 && GiftWindowHours >= 0
        && new[] { LikeWeight, CommentWeight, UnlockWeight, GiftCoinWeight, FollowBoost, DecaySeconds, FollowedWindowHours, SeenHours, GiftWindowHours }
            .All(double.IsFinite);
}
