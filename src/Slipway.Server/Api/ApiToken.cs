using System.Security.Cryptography;
using System.Text;

namespace Slipway.Server.Api;

/// <summary>
/// Checks a presented token against the server's. Only a hash of the token is kept: both sides are hashed
/// to the same length and compared in constant time, so the time a wrong guess takes tells nothing about
/// the token, not even its length.
/// </summary>
internal sealed class ApiToken(string token)
{
    private readonly byte[] _hash = Hash(token);

    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(_hash, Hash(presented));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
