using Microsoft.AspNetCore.SignalR;
using Spotlight.Platform.Errors;

namespace Spotlight.Realtime.Hub;

/// <summary>
/// A hub error goes to the caller only, as the completion's <c>error</c>: <c>"code: detail"</c>, with the same stable
/// codes as the REST problems (<c>not_found</c>, <c>validation_failed</c>, <c>rate_limited</c>, <c>blocked</c>...).
/// </summary>
public static class HubErrors
{
    public static HubException Create(string code, string detail) => new($"{code}: {detail}");

    public static HubException From(Refusal refusal) => Create(refusal.Code, refusal.Errors is null
        ? refusal.Detail
        : refusal.Detail + " " + string.Join(" ", refusal.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
}
