using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Slipway.Router.Forwarding;

/// <summary>
/// Maps what YARP's forwarder returned to a <see cref="ForwardFailure"/>. YARP says at which stage a request failed
/// (<see cref="ForwarderError.Request"/>: before any response) but not whether the backend could have seen it; that
/// decides whether a retry is safe, so it is read from the exception YARP keeps in <see cref="IForwarderErrorFeature"/>:
/// a refused connection or a connection closed before any response byte, as the router's own forwarder did.
/// </summary>
internal static class ForwardFailureClassifier
{
    public static ForwardFailure Classify(ForwarderError error, HttpContext context)
    {
        switch (error)
        {
            case ForwarderError.None:
                return ForwardFailure.None;

            // The backend answered 101 and the tunnel ran: how it ended (either side closing, resetting, or staying
            // silent past the activity timeout) is the normal end of a WebSocket, not a failed request.
            case ForwarderError.UpgradeRequestCanceled:
            case ForwarderError.UpgradeRequestClient:
            case ForwarderError.UpgradeRequestDestination:
            case ForwarderError.UpgradeResponseCanceled:
            case ForwarderError.UpgradeResponseClient:
            case ForwarderError.UpgradeResponseDestination:
            case ForwarderError.UpgradeActivityTimeout:
                return ForwardFailure.None;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            return ForwardFailure.ClientAborted;
        }

        return error switch
        {
            ForwarderError.Request => FromException(context.Features.Get<IForwarderErrorFeature>()?.Exception),
            // SocketsHttpHandler's ConnectTimeout cancels the connect with an inner TimeoutException (as HttpClient's
            // own timeout does); YARP's activity timeout cancels without one.
            ForwarderError.RequestTimedOut => context.Features.Get<IForwarderErrorFeature>()?.Exception is OperationCanceledException { InnerException: TimeoutException }
                ? ForwardFailure.ConnectFailed
                : ForwardFailure.Timeout,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyClient => ForwardFailure.ClientAborted,
            ForwarderError.RequestBodyClient => ForwardFailure.RequestBodyFailed,
            // YARP has already aborted the client's connection when the response had started.
            ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyCanceled => ForwardFailure.ResponseBodyFailed,
            _ => ForwardFailure.BackendFailed,
        };
    }

    private static ForwardFailure FromException(Exception? exception)
    {
        if (exception is not HttpRequestException http)
        {
            return ForwardFailure.BackendFailed;
        }

        switch (http.HttpRequestError)
        {
            case HttpRequestError.ConnectionError:
            case HttpRequestError.NameResolutionError:
                return ForwardFailure.ConnectFailed;
            case HttpRequestError.ResponseEnded:
                return ForwardFailure.NoResponse;
        }

        for (var inner = http.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted })
            {
                return ForwardFailure.NoResponse;
            }
        }

        return ForwardFailure.BackendFailed;
    }
}
