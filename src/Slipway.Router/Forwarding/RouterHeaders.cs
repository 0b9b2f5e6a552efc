namespace Slipway.Router.Forwarding;

/// <summary>Headers the router itself reads or writes.</summary>
internal static class RouterHeaders
{
    /// <summary>The request's identity: the client's when it sent one, generated otherwise; returned on every response.</summary>
    public const string RequestId = "X-Request-ID";

    /// <summary>Marks a mirrored copy. Only the router sets it: a client cannot make its request look like one.</summary>
    public const string Mirror = "X-Slipway-Mirror";

    /// <summary>The client's address, appended by the router to any the client sent.</summary>
    public const string ForwardedFor = "X-Forwarded-For";

    /// <summary>The Host the client asked for; the instance itself is addressed by its own host:port.</summary>
    public const string ForwardedHost = "X-Forwarded-Host";

    /// <summary>The scheme the client used.</summary>
    public const string ForwardedProto = "X-Forwarded-Proto";
}
