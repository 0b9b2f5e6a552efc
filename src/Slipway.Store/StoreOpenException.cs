namespace Slipway.Store;

/// <summary>
/// The store of a data directory cannot be opened. The message is for the operator: it names the
/// file and says what to do; <c>slipway server</c> prints it instead of a stack trace. Nothing in
/// the file was changed.
/// </summary>
public class StoreOpenException(string path, string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The store's file (slipway.db in the data directory).</summary>
    public string Path { get; } = path;
}
