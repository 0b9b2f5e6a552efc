using System.Security.Cryptography;
using System.Text;

namespace Slipway.Server.Api;

/// <summary>
/// The API token's file, <c>&lt;data&gt;/api-token</c>: written on the server's first start, readable by its
/// owner only, and reused on every later start so that the CLI and scripts keep working across restarts.
/// The CLI reads the same file (or <c>$SLIPWAY_TOKEN</c>).
/// </summary>
public static class ApiTokenFile
{
    public const string FileName = "api-token";

    /// <summary>Shorter tokens are refused: a token is a secret, not a password to remember.</summary>
    public const int MinimumLength = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>
    /// The data directory's token, generated when the file does not exist yet. Refuses a file that other
    /// users can read (the token may have leaked) or that does not hold a well-formed token.
    /// </summary>
    public static string LoadOrCreate(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var path = PathIn(dataDirectory);
        if (!File.Exists(path))
        {
            Create(path);
        }

        // Slipway runs on Linux; the check is skipped only where Unix modes do not exist.
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) is var mode && (mode & GroupOrOthers) != 0)
        {
            throw new ApiConfigurationException(
                $"{path}: the API token file is open to other users (mode {Octal(mode)}), so the token may have leaked: " +
                $"delete the file to have a new token generated at the next start, or run `chmod 600 {path}` to keep it");
        }

        return Read(path);
    }

    /// <summary>Reads a token file; the message of the exception names the file and what is wrong with it.</summary>
    public static string Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string content;
        try
        {
            content = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ApiConfigurationException($"{path} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApiConfigurationException($"cannot read {path}: {e.Message}");
        }

        var token = content.Trim();
        return IsWellFormed(token)
            ? token
            : throw new ApiConfigurationException(
                $"{path} does not hold an API token (expected one line of at least {MinimumLength} visible ASCII characters): " +
                "delete it to have a new one generated at the server's next start");
    }

    /// <summary>At least <see cref="MinimumLength"/> visible ASCII characters: what fits an <c>Authorization</c> header as is.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length >= MinimumLength && token.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// Writes a new token so that no one ever sees the file open to others or half written: a temporary
    /// file created with mode 0600 (never wider, whatever the umask), then linked into place without
    /// replacing a file that a concurrent start may have written first (then that one's token is the token).
    /// </summary>
    private static void Create(string path)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(token + "\n"));
                stream.Flush(flushToDisk: true);
            }

            // Not File.Move: without overwrite it checks and then renames, so two first starts could both "win"
            // and hand out different tokens. link(2) fails when the name exists: one start wins, the others read its file.
            Slipway.Local.Files.HardLink.TryCreate(temporary, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ApiConfigurationException($"cannot write the API token to {path}: {e.Message}");
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
