using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Content.Media;
using Spotlight.Social;
using Spotlight.Tests.Content.Media;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Identity;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;
using Spotlight.Tests.Realtime;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Account;

/// <summary>API.md, Account: <c>DELETE /me</c> and <c>DELETE /admin/users/{id}</c>.</summary>
public sealed class AccountDeletionTests(AccountApp app) : IClassFixture<AccountApp>
{
    [Fact]
    public async Task Deleting_the_account_ends_its_tokens_and_hub_connections_at_once_and_it_cannot_sign_in_again()
    {
        var user = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);

        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(user)).StatusCode);

        await hub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken })).StatusCode);
        await (await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(HttpStatusCode.Unauthorized, (await AccountApp.DeleteAsync(user)).StatusCode); // deleting twice: the token is dead
        var again = await Assert.ThrowsAnyAsync<Exception>(() => app.OpenHubSocketAsync(user.AccessToken));
        Assert.Contains("401", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_is_anonymized_with_placeholders_that_keep_the_unique_indexes_and_the_deletion_is_audited()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.PatchAsJsonAsync("/api/v1/me", new { displayName = "Real Name", bio = "about me", avatarUrl = "https://example.com/me.png" }))
            .ShouldBeAsync(HttpStatusCode.OK);
        var other = await app.CreateUserAsync();

        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(user)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(other)).StatusCode);

        var (row, audit) = await app.WithDbAsync(async db => (
            await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id),
            await db.Set<AuditEntry>().AsNoTracking().Where(a => a.Action == "account.deleted" && a.TargetId == user.Id.ToString()).ToListAsync()));
        Assert.NotNull(row.DeletedAt);
        Assert.DoesNotContain(user.Handle, row.UserName!, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, row.Email!, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("d_", row.UserName, StringComparison.Ordinal);
        Assert.EndsWith("@deleted.invalid", row.Email, StringComparison.Ordinal);
        Assert.Null(row.DisplayName);
        Assert.Null(row.Bio);
        Assert.Null(row.AvatarUrl);
        Assert.Null(row.PasswordHash);
        Assert.Equal(user.Id, Assert.Single(audit).ActorId);
        // The handle and email are free again for a new account.
        var anonymous = app.CreateClientFrom(TestRemoteIp.NextAddress());
        await (await anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = user.Email, password = "another fine passphrase", handle = user.Handle }))
            .ShouldBeAsync(HttpStatusCode.Created);
        await (await anonymous.GetAsync($"/api/v1/users/{row.UserName}")).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Posts_comments_likes_and_follows_go_and_sent_messages_show_deleted()
    {
        var creator = await app.CreatorAsync();
        var friend = await app.CreateUserAsync();
        var user = await app.CreateUserAsync();
        var creatorsPost = await PostsApp.PostIdAsync(creator, new { text = "hello fans", visibility = "public" });
        var media = (await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "me.jpg", "image/jpeg")).GetProperty("id").GetString()!;
        await user.Client.WaitProcessedAsync(media);
        var ownPost = await PostsApp.PostIdAsync(user, new { text = "my own post", visibility = "public", mediaIds = new[] { media } });
        var storageKey = await app.WithDbAsync(db => db.Set<MediaItem>().Where(m => m.Id == Guid.Parse(media)).Select(m => m.StorageKey).SingleAsync());
        var comment = await PostsApp.CommentAsync(user, creatorsPost, "nice one");
        var reply = await PostsApp.CommentAsync(friend, creatorsPost, "agreed", comment);
        await PostsApp.CommentAsync(friend, creatorsPost, "first!");
        await (await user.Client.PostAsync($"/api/v1/posts/{creatorsPost}/like", null)).ShouldBeAsync(HttpStatusCode.NoContent);
        await PostsApp.FollowAsync(user, creator);
        await PostsApp.FollowAsync(friend, user);
        var conversation = await Chat.DirectAsync(user, friend);
        var sent = (await Chat.PostAsync(user, conversation, "a secret")).GetProperty("id").GetGuid();
        await Chat.PostAsync(friend, conversation, "an answer");

        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(user)).StatusCode);

        await (await friend.Client.GetAsync($"/api/v1/posts/{ownPost}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await friend.Client.GetAsync($"/api/v1/media/{media}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<IMediaStore>().OpenAsync(storageKey, CancellationToken.None)); // the bytes went too
        }

        var post = await (await friend.Client.GetAsync($"/api/v1/posts/{creatorsPost}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(0, post.GetProperty("likeCount").GetInt32());
        Assert.Equal(1, post.GetProperty("commentCount").GetInt32()); // the friend's top-level comment; the reply went with its parent
        var comments = await (await friend.Client.GetAsync($"/api/v1/posts/{creatorsPost}/comments")).ShouldBeAsync(HttpStatusCode.OK);
        var ids = comments.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.DoesNotContain(comment, ids);
        Assert.DoesNotContain(reply, ids);
        Assert.Single(ids);

        var (follows, creatorRow, friendRow, texts) = await app.WithDbAsync(async db => (
            await db.Set<Follow>().CountAsync(f => f.FollowerId == user.Id || f.FolloweeId == user.Id),
            await db.Users.AsNoTracking().SingleAsync(u => u.Id == creator.Id),
            await db.Users.AsNoTracking().SingleAsync(u => u.Id == friend.Id),
            await db.Set<Spotlight.Content.Posts.Comment>().Where(c => c.AuthorId == user.Id).Select(c => c.Text).ToListAsync()));
        Assert.Equal(0, follows);
        Assert.Equal(0, creatorRow.FollowerCount);
        Assert.Equal(0, friendRow.FollowingCount);
        Assert.All(texts, t => Assert.Equal("", t));

        var page = await (await friend.Client.GetAsync($"/api/v1/conversations/{conversation}/messages")).ShouldBeAsync(HttpStatusCode.OK);
        var messages = page.GetProperty("items").EnumerateArray().ToList();
        var tombstone = messages.Single(m => m.GetProperty("id").GetGuid() == sent);
        Assert.NotEqual(JsonValueKind.Null, tombstone.GetProperty("deletedAt").ValueKind);
        Assert.True(tombstone.GetProperty("text").ValueKind is JsonValueKind.Null or JsonValueKind.Undefined);
        Assert.Contains(messages, m => m.TryGetProperty("text", out var text) && text.GetString() == "an answer");
        Assert.DoesNotContain("a secret", page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gifts_and_ledger_entries_stay_with_the_anonymized_account_and_the_books_still_balance()
    {
        var creator = await app.CreatorAsync();
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, 1_000);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);
        var earnings = await app.EarningsAsync(creator);
        Assert.True(earnings > 0);
        var entriesBefore = await app.WithDbAsync(db => LedgerEntriesOf(db, fan.Id));

        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(fan)).StatusCode);

        Assert.Equal(entriesBefore, await app.WithDbAsync(db => LedgerEntriesOf(db, fan.Id)));
        Assert.Equal(earnings, await app.EarningsAsync(creator));
        await app.AssertBalancedAsync();

        // The recipient's deletion keeps the books whole too.
        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(creator)).StatusCode);
        Assert.True(await app.WithDbAsync(db => LedgerEntriesOf(db, creator.Id)) > 0);
        await app.AssertBalancedAsync();
    }

    private static Task<int> LedgerEntriesOf(Spotlight.Data.SpotlightDb db, Guid userId) =>
        db.Set<LedgerEntry>().CountAsync(e => db.Set<LedgerAccount>().Any(a => a.Id == e.AccountId && a.OwnerId == userId));

    [Fact]
    public async Task A_wrong_password_is_refused_and_changes_nothing()
    {
        var user = await app.CreateUserAsync();

        var problem = await (await AccountApp.DeleteAsync(user, password: "not my password at all")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        await (await user.Client.SendAsync(AccountApp.DeleteMe(new { }))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var me = await (await user.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(user.Handle, me.GetProperty("handle").GetString());
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.DeletedAt).SingleAsync()));
    }

    [Fact]
    public async Task With_two_factor_on_it_takes_a_current_code_as_every_step_up()
    {
        var user = await app.CreateUserAsync();
        var (secret, _) = await TwoFactorSteps.EnableAsync(app, user);
        TwoFactorSteps.NextStep(app);
        var fresh = await SignInWithCodeAsync(user, TwoFactorSteps.Code(app, secret));

        await (await AccountApp.DeleteAsync(fresh)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        var wrong = await (await AccountApp.DeleteAsync(fresh, totpCode: "000000")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(wrong.GetProperty("errors").TryGetProperty("totpCode", out _));
        TwoFactorSteps.NextStep(app);
        Assert.Equal(HttpStatusCode.Accepted, (await AccountApp.DeleteAsync(fresh, totpCode: TwoFactorSteps.Code(app, secret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fresh.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    private async Task<TestUser> SignInWithCodeAsync(TestUser user, string code)
    {
        var response = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = code });
        var tokens = (await response.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        return user with { AccessToken = tokens.AccessToken, RefreshToken = tokens.RefreshToken, Client = app.Authorized(tokens.AccessToken) };
    }

    [Fact]
    public async Task An_admin_deletes_an_account_audited_and_again_finishes_it_and_others_get_403()
    {
        var admin = await app.AdminAsync();
        var user = await app.CreateUserAsync();
        var bystander = await app.CreateUserAsync();
        await using var hub = await app.ConnectHubAsync(user);

        Assert.Equal(HttpStatusCode.Forbidden, (await bystander.Client.DeleteAsync($"/api/v1/admin/users/{user.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bystander.Client.PostAsync($"/api/v1/admin/users/{user.Id}/export", null)).StatusCode);
        await (await admin.Client.DeleteAsync($"/api/v1/admin/users/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await admin.Client.DeleteAsync($"/api/v1/admin/users/{admin.Id}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_delete_self");

        Assert.Equal(HttpStatusCode.Accepted, (await admin.Client.DeleteAsync($"/api/v1/admin/users/{user.Id}")).StatusCode);
        await hub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.Client.DeleteAsync($"/api/v1/admin/users/{user.Id}")).StatusCode);

        var audit = await app.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.Action == "account.deleted" && a.TargetId == user.Id.ToString()).OrderBy(a => a.At).ToListAsync());
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Equal(admin.Id, a.ActorId));
    }
}
