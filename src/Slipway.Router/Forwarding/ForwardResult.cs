namespace Slipway.Router.Forwarding;

/// <summary>The outcome of forwarding one request to one endpoint.</summary>
/// <param name="Error">What went wrong, or <see cref="ForwarderError.None"/>.</param>
/// <param name="BytesSent">Response body bytes relayed to the client.</param>
internal readonly record struct ForwardResult(ForwarderError Error, long BytesSent)
{
    public static ForwardResult Failed(ForwarderError error) => new(error, 0);
}
