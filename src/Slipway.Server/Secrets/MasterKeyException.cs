namespace Slipway.Server.Secrets;

/// <summary>
/// The master key cannot be used as configured (a malformed <c>SLIPWAY_MASTER_KEY</c>, a key file open to other users
/// or not holding keys): the server refuses to start, with a message that says what to do and never holds a key.
/// </summary>
public sealed class MasterKeyException(string message) : Exception(message);
