namespace Slipway.Router.Forwarding;

/// <summary>
/// Why forwarding a request to one endpoint failed, in the terms the proxy acts on: retry elsewhere, answer 502, 504 or
/// 400, or record 499. Failures on the hot path are values, not exceptions escaping the handler.
/// YARP reports its own, finer <see cref="Yarp.ReverseProxy.Forwarder.ForwarderError"/>;
/// <see cref="ForwardFailureClassifier"/> maps it to this one.
/// </summary>
internal enum ForwardFailure
{
    None,

    /// <summary>No TCP connection to the endpoint (refused, unreachable, connect timeout). Safe to retry elsewhere.</summary>
    ConnectFailed,

    /// <summary>The connection closed or reset before any response byte. Safe to retry an idempotent bodiless request.</summary>
    NoResponse,

    /// <summary>The backend answered nothing within the backend timeout (504).</summary>
    Timeout,

    /// <summary>The backend failed otherwise before its response headers (502).</summary>
    BackendFailed,

    /// <summary>The backend failed while its response body was being relayed; the client connection was aborted.</summary>
    ResponseBodyFailed,

    /// <summary>Reading the client's request body failed (malformed or aborted upload).</summary>
    RequestBodyFailed,

    /// <summary>The client went away; nothing more can be sent to it.</summary>
    ClientAborted,
}

internal static class ForwardFailureExtensions
{
    /// <summary>Whether the backend certainly did not process the request, so another endpoint may take it.</summary>
    public static bool IsRetryable(this ForwardFailure failure) => failure is ForwardFailure.ConnectFailed or ForwardFailure.NoResponse;
}
