using Slipway.Server.Api;

namespace Slipway.Cli;

/// <summary>
/// The API token the CLI sends, and where it came from (named in errors; the token itself never is).
/// Found, in order: the token file of an explicit <c>--data DIR</c>; <c>$SLIPWAY_TOKEN</c>; the token file
/// of <c>$SLIPWAY_DATA</c> or of <c>~/.slipway</c>, the server's default data directory.
/// </summary>
internal sealed class ApiCredential(string token, string source)
{
    public const string TokenVariable = "SLIPWAY_TOKEN";

    public string Token => token;

    /// <summary>Where the token came from: "$SLIPWAY_TOKEN" or the token file's path.</summary>
    public string Source => source;

    /// <param name="dataDirectory">The data directory the user named (or the default).</param>
    /// <param name="dataIsExplicit">True when it was given as <c>--data</c> on the command line, which wins over <c>$SLIPWAY_TOKEN</c>.</param>
    public static ApiCredential Resolve(string dataDirectory, bool dataIsExplicit)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var fromEnvironment = Environment.GetEnvironmentVariable(TokenVariable)?.Trim();
        if (!dataIsExplicit && !string.IsNullOrEmpty(fromEnvironment))
        {
            return ApiTokenFile.IsWellFormed(fromEnvironment)
                ? new ApiCredential(fromEnvironment, $"${TokenVariable}")
                : throw new CliException($"${TokenVariable} is not an API token (expected at least {ApiTokenFile.MinimumLength} visible ASCII characters, the content of the server's api-token file)", 2);
        }

        var path = ApiTokenFile.PathIn(Path.GetFullPath(dataDirectory));
        try
        {
            return new ApiCredential(ApiTokenFile.Read(path), path);
        }
        catch (ApiConfigurationException e)
        {
            throw new CliException(
                $"no API token: {e.Message}. The server writes its token to api-token in its data directory when it starts: " +
                $"point --data or $SLIPWAY_DATA at that directory, or set ${TokenVariable}", 2);
        }
    }
}
