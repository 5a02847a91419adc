using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>Two-factor enrolment as a user's app does it, on the server's clock.</summary>
internal static class TwoFactorSteps
{
    public static async Task<(string Secret, List<string> RecoveryCodes)> EnableAsync(SpotlightApp app, TestUser user)
    {
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        var codes = setup.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret, app.Clock.GetUtcNow()) })).ShouldBeAsync(HttpStatusCode.NoContent);
        NextStep(app);
        return (secret, codes);
    }

    /// <summary>A code is good once: the next check waits for the authenticator's next code, as a person would.</summary>
    public static void NextStep(SpotlightApp app) => app.Clock.Advance(TimeSpan.FromSeconds(30));

    public static string Code(SpotlightApp app, string secret) => Totp.Code(secret, app.Clock.GetUtcNow());
}
