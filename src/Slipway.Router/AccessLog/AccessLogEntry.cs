namespace Slipway.Router.AccessLog;

/// <summary>One line of the access log. The path is logged without its query string, which may carry secrets.</summary>
internal sealed record AccessLogEntry(
    DateTimeOffset Time,
    string RequestId,
    string Method,
    string Host,
    string Path,
    int Status,
    double DurationMs,
    string? App,
    string? Env,
    string? Revision,
    string? Upstream,
    long BytesSent,
    bool Retried,
    bool Mirror);
