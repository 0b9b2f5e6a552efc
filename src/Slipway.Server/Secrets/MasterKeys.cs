using System.Security.Cryptography;
using System.Text;

namespace Slipway.Server.Secrets;

/// <summary>
/// The master keys of a server: from <c>SLIPWAY_MASTER_KEY</c> (base64; with <c>SLIPWAY_MASTER_KEY_PREVIOUS</c> during a
/// rotation), or else from the key file <c>&lt;data&gt;/master.key</c>, created with mode 0600 the first time a value is
/// encrypted. The first key is the current one, which encrypts; the others only decrypt, and are kept until no stored
/// value needs them (see <see cref="SecretVault"/>: a rotation writes the new key before re-encrypting, and retires the
/// old one after, so a crash at any point leaves every value readable).
/// </summary>
/// <remarks>
/// The file is one key per line, base64, current first; lines starting with '#' are comments. It is replaced whole
/// (written beside it, then renamed over it), so it is never seen half written. A file other users can read is refused:
/// the key may have leaked.
/// </remarks>
internal sealed class MasterKeys
{
    public const string FileName = "master.key";
    public const string Variable = "SLIPWAY_MASTER_KEY";
    public const string PreviousVariable = "SLIPWAY_MASTER_KEY_PREVIOUS";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const string Header = """
        # Slipway master key: it decrypts every secret of this data directory. Keep this file secret (mode 0600), and back
        # it up with slipway.db — without it, the secrets cannot be read. One key a line, base64; the first encrypts, the
        # others are kept until no stored value needs them (see docs/secrets.md).

        """;

    private readonly Lock _lock = new();
    private IReadOnlyList<MasterKey> _keys;

    private MasterKeys(string? path, IReadOnlyList<MasterKey> keys)
    {
        FilePath = path;
        _keys = keys;
    }

    /// <summary>The key file; null when the keys come from the environment.</summary>
    public string? FilePath { get; }

    public bool FromEnvironment => FilePath is null;

    /// <summary>A key file of the data directory that is not used, because the keys come from the environment.</summary>
    public string? IgnoredFile { get; private init; }

    /// <summary>Where the keys come from, for messages: the variable's name or the file's path.</summary>
    public string Source => FilePath ?? Variable;

    /// <summary>The key that encrypts; null until the key file is created (no secret was ever set).</summary>
    public MasterKey? Current => Keys.FirstOrDefault();

    /// <summary>Every key, current first.</summary>
    public IReadOnlyList<MasterKey> Keys
    {
        get
        {
            lock (_lock)
            {
                return _keys;
            }
        }
    }

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>
    /// The keys <paramref name="environment"/> gives (<see cref="Variable"/>), else those of the data directory's key
    /// file, when it exists. Refuses a malformed variable, and a key file that others can read or that holds no key.
    /// </summary>
    /// <exception cref="MasterKeyException">The keys cannot be used; the message says why and what to do.</exception>
    public static MasterKeys Open(string dataDirectory, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(Variable) is { } configured)
        {
            var keys = new List<MasterKey> { ParseVariable(Variable, configured) };
            foreach (var previous in (environment(PreviousVariable) ?? "").Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                keys.Add(ParseVariable(PreviousVariable, previous));
            }

            var file = PathIn(dataDirectory);
            return new MasterKeys(null, [.. keys.DistinctBy(k => k.Id)]) { IgnoredFile = File.Exists(file) ? file : null };
        }

        if (environment(PreviousVariable) is not null)
        {
            throw new MasterKeyException($"{PreviousVariable} is set but {Variable} is not: set the new key in {Variable} and the old one in {PreviousVariable} (see docs/secrets.md)");
        }

        var path = PathIn(dataDirectory);
        return new MasterKeys(path, File.Exists(path) ? ReadFile(path) : []);
    }

    /// <summary>The key with this id, or null when this server does not have it.</summary>
    public MasterKey? Find(string id) => Keys.FirstOrDefault(k => k.Id == id);

    /// <summary>The key that encrypts: with a key file, one is made (and the file written) the first time.</summary>
    public MasterKey CurrentOrCreate()
    {
        lock (_lock)
        {
            if (_keys.Count == 0)
            {
                var key = MasterKey.Generate();
                WriteFile([key]);
                _keys = [key];
            }

            return _keys[0];
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the current key, keeping the others for the values they still encrypt: the first
    /// step of a rotation, written to the key file before any value is re-encrypted.
    /// </summary>
    public void Adopt(MasterKey next)
    {
        ArgumentNullException.ThrowIfNull(next);
        RequireFile();
        lock (_lock)
        {
            IReadOnlyList<MasterKey> keys = [next, .. _keys.Where(k => k.Id != next.Id)];
            WriteFile(keys);
            _keys = keys;
        }
    }

    /// <summary>
    /// Keeps the current key and those of <paramref name="needed"/>, and forgets the others: the last step of a
    /// rotation, once no stored value needs them. Returns the ids retired. Nothing to do for keys from the environment
    /// (the operator removes <see cref="PreviousVariable"/>).
    /// </summary>
    public IReadOnlyList<string> Retire(IReadOnlySet<string> needed)
    {
        ArgumentNullException.ThrowIfNull(needed);
        if (FromEnvironment)
        {
            return [];
        }

        lock (_lock)
        {
            var kept = _keys.Where((k, i) => i == 0 || needed.Contains(k.Id)).ToList();
            if (kept.Count == _keys.Count)
            {
                return [];
            }

            var retired = _keys.Except(kept).Select(k => k.Id).ToList();
            WriteFile(kept);
            _keys = kept;
            return retired;
        }
    }

    private void RequireFile()
    {
        if (FromEnvironment)
        {
            throw new InvalidOperationException($"the master key comes from {Variable}: it is rotated by setting a new {Variable} and the old key in {PreviousVariable}, then restarting the server");
        }
    }

    private static MasterKey ParseVariable(string name, string text) =>
        MasterKey.Parse(text) ?? throw new MasterKeyException(
            $"{name} does not hold a master key: expected {MasterKey.Size} bytes in base64 (44 characters; make one with `openssl rand -base64 32`), "
            + (MasterKey.DecodedLength(text) is var length and >= 0 ? $"got {length} bytes" : "got text that is not base64"));

    private static List<MasterKey> ReadFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) is var mode && (mode & GroupOrOthers) != 0)
        {
            throw new MasterKeyException(
                $"{path}: the master key file is open to other users (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}), so the key may have leaked. "
                + $"If it has not, run `chmod 600 {path}`; if it may have, also rotate it once the server runs (`slipway secret rotate-key`). Do not delete it: "
                + "without it, the secrets cannot be read");
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MasterKeyException($"cannot read the master key file {path}: {e.Message}");
        }

        var keys = new List<MasterKey>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            keys.Add(MasterKey.Parse(line) ?? throw new MasterKeyException(
                $"{path}:{i + 1}: not a master key (expected {MasterKey.Size} bytes in base64): the file is damaged; restore it from a backup"));
        }

        return keys.Count > 0 ? keys
            : throw new MasterKeyException($"{path} holds no master key: restore it from a backup (a new key could not read the secrets already stored)");
    }

    /// <summary>Written beside the file with mode 0600 (never wider, whatever the umask), flushed, then renamed over it.</summary>
    private void WriteFile(IReadOnlyList<MasterKey> keys)
    {
        var path = FilePath!;
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
                stream.Write(Encoding.UTF8.GetBytes(Header + string.Concat(keys.Select(k => k.ToBase64() + "\n"))));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MasterKeyException($"cannot write the master key file {path}: {e.Message}");
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
