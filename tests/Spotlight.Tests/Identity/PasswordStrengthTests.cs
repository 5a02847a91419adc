using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>One policy on every path that sets a password: the common-password list, the handle and email, and zxcvbn's estimate.</summary>
public sealed class PasswordStrengthTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    public static TheoryData<string> Weak => ["password123", "qwertyuiop1", "Password2024!", "iloveyou1234", "abcdefghij12"];

    [Theory]
    [MemberData(nameof(Weak))]
    public async Task Registration_refuses_an_easily_guessed_password_and_says_why(string password)
    {
        var handle = app.UniqueHandle();
        var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password, handle });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("password").EnumerateArray()).GetString();
        Assert.Contains("too easy to guess", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_refuses_the_handle_with_a_year_and_the_email_name_with_digits()
    {
        var handle = app.UniqueHandle("kestrel");
        var withHandle = await Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password = handle + "2024", handle });
        var messages = (await withHandle.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").GetProperty("password");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains("handle", StringComparison.Ordinal));

        var local = "marigold" + Guid.NewGuid().ToString("N")[..4];
        var withEmail = await Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{local}@example.com", password = local + "-1999", handle = app.UniqueHandle() });
        messages = (await withEmail.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").GetProperty("password");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains("email", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("correct horse battery staple 42")]
    [InlineData("lantern orchard violet 51")]
    [InlineData("Tz8#qL2!vR9wX")]
    public async Task Registration_takes_a_strong_password(string password)
    {
        var handle = app.UniqueHandle();
        var response = await Anonymous.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password, handle });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Changing_and_resetting_refuse_a_weak_new_password_on_new_password()
    {
        var user = await app.CreateUserAsync();
        var change = await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "qwertyuiop1" });
        var problem = await change.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("newPassword", out _));

        await Anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = user.Email });
        var token = Mailbox.TokenFrom(await Mailbox.WaitForAsync(app, user.Email, "Reset your password"));
        var reset = await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "password123" });
        problem = await reset.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("newPassword", out _));
        var withHandle = await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = user.Handle + "2024" });
        problem = await withHandle.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await Anonymous.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "lantern orchard violet 51" })).StatusCode);
    }
}
