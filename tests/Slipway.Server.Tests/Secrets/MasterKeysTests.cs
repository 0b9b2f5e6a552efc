using System.Runtime.Versioning;
using Slipway.Server.Secrets;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Secrets;

/// <summary>Where the master key comes from: the variable, or a key file made with mode 0600 on first use; what is refused.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MasterKeysTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Without_the_variable_the_key_file_is_made_on_first_use_readable_by_its_owner_only()
    {
        var keys = MasterKeys.Open(_data.Path, KeyVariables.None);
        var path = MasterKeys.PathIn(_data.Path);
        Assert.Null(keys.Current);
        Assert.False(File.Exists(path));

        var key = keys.CurrentOrCreate();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(key.Id, MasterKeys.Open(_data.Path, KeyVariables.None).Current!.Id);
        Assert.Same(key, keys.CurrentOrCreate());
        Assert.Empty(Directory.GetFiles(_data.Path, "*.tmp"));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void A_key_file_others_can_use_is_refused_with_what_to_do_and_without_the_key(UnixFileMode extra)
    {
        var key = MasterKeys.Open(_data.Path, KeyVariables.None).CurrentOrCreate();
        var path = MasterKeys.PathIn(_data.Path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var e = Assert.Throws<MasterKeyException>(() => MasterKeys.Open(_data.Path, KeyVariables.None));

        Assert.Contains("open to other users", e.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ToBase64(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_key_file_is_refused_at_its_line()
    {
        var path = MasterKeys.PathIn(_data.Path);
        File.WriteAllText(path, "# comment\n\nnot-a-key\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var e = Assert.Throws<MasterKeyException>(() => MasterKeys.Open(_data.Path, KeyVariables.None));

        Assert.StartsWith($"{path}:3: not a master key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_variable_wins_over_the_file_and_previous_keys_only_decrypt()
    {
        MasterKeys.Open(_data.Path, KeyVariables.None).CurrentOrCreate();
        var current = MasterKey.Generate();
        var previous = MasterKey.Generate();

        var keys = MasterKeys.Open(_data.Path, KeyVariables.Of(current.ToBase64(), previous.ToBase64()));

        Assert.True(keys.FromEnvironment);
        Assert.Equal([current.Id, previous.Id], keys.Keys.Select(k => k.Id));
        Assert.Equal(current.Id, keys.CurrentOrCreate().Id);
        Assert.Empty(keys.Retire(new HashSet<string>())); // the operator removes the variable
    }

    [Theory]
    [InlineData("c2hvcnQ=", "got 5 bytes")]
    [InlineData("!!! not base64 !!!", "got text that is not base64")]
    public void A_malformed_variable_is_refused_without_being_echoed(string text, string said)
    {
        var e = Assert.Throws<MasterKeyException>(() => MasterKeys.Open(_data.Path, KeyVariables.Of(text)));

        Assert.Contains("SLIPWAY_MASTER_KEY does not hold a master key: expected 32 bytes in base64", e.Message, StringComparison.Ordinal);
        Assert.Contains(said, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_previous_key_without_a_current_one_is_refused()
    {
        var e = Assert.Throws<MasterKeyException>(() => MasterKeys.Open(_data.Path, name => name == MasterKeys.PreviousVariable ? MasterKey.Generate().ToBase64() : null));

        Assert.Contains("SLIPWAY_MASTER_KEY_PREVIOUS is set but SLIPWAY_MASTER_KEY is not", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adopting_a_key_keeps_the_old_one_until_it_is_retired()
    {
        var keys = MasterKeys.Open(_data.Path, KeyVariables.None);
        var old = keys.CurrentOrCreate();
        var next = MasterKey.Generate();

        keys.Adopt(next);
        var reopened = MasterKeys.Open(_data.Path, KeyVariables.None);

        Assert.Equal([next.Id, old.Id], reopened.Keys.Select(k => k.Id));
        Assert.Equal([old.Id], keys.Retire(new HashSet<string> { next.Id }));
        Assert.Equal([next.Id], MasterKeys.Open(_data.Path, KeyVariables.None).Keys.Select(k => k.Id));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(MasterKeys.PathIn(_data.Path)));
    }
}
