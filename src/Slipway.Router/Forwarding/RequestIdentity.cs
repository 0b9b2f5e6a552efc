namespace Slipway.Router.Forwarding;

/// <summary>The request's X-Request-ID, and whether the client sent it (then it is already among the copied headers).</summary>
internal readonly record struct RequestIdentity(string Value, bool FromClient);
