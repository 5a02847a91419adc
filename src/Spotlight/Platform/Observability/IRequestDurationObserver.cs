namespace Spotlight.Platform.Observability;

/// <summary>
/// Sees every HTTP request's duration and status code as ASP.NET Core measures it (<c>http.server.request.duration</c>),
/// from the node's one meter listener (<see cref="PrometheusExporter"/>). Register an implementation as a singleton; it is
/// called on the request's thread, so it must only count (no I/O, no locks held for long).
/// </summary>
public interface IRequestDurationObserver
{
    void OnRequest(double seconds, int statusCode);
}
