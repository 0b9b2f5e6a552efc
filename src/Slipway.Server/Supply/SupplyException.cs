namespace Slipway.Server.Supply;

/// <summary>
/// A request about images that cannot be done as asked, said so a user can act on it: an image that is not there, a
/// layer Slipway cannot read, no advisory database, an exception without a reason. <see cref="Status"/> is the HTTP
/// status the API answers with; the message is the API's <c>error</c>, word for word.
/// </summary>
internal sealed class SupplyException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status => status;

    public static SupplyException BadRequest(string message) => new(400, message);

    public static SupplyException NotFound(string message, Exception? inner = null) => new(404, message, inner);

    public static SupplyException Unprocessable(string message, Exception? inner = null) => new(422, message, inner);

    /// <summary>Something the server depends on (a registry, the advisory database) is not as it should be.</summary>
    public static SupplyException Unavailable(string message, Exception? inner = null) => new(503, message, inner);
}
