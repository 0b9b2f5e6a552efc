namespace Slipway.Router;

/// <summary>Where a started router listens, with the ports actually bound (useful when port 0 was asked for).</summary>
/// <param name="Listen">Base address of the proxy listener, e.g. <c>http://127.0.0.1:8080</c>.</param>
/// <param name="Admin">Base address of the admin listener.</param>
public sealed record RouterAddresses(Uri Listen, Uri Admin);
