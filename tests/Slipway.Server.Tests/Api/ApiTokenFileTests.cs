using System.Runtime.Versioning;
using Slipway.Server.Api;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Api;

/// <summary>The token file in a real directory: private from the first byte, reused, and refused when it is not.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ApiTokenFileTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    private string TokenPath => ApiTokenFile.PathIn(_data.Path);

    [Fact]
    public void The_first_start_writes_a_token_only_its_owner_can_read_and_later_starts_reuse_it()
    {
        var token = ApiTokenFile.LoadOrCreate(_data.Path);

        Assert.True(ApiTokenFile.IsWellFormed(token), token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenPath));
        Assert.Equal(token, File.ReadAllText(TokenPath).Trim());
        Assert.Equal(token, ApiTokenFile.LoadOrCreate(_data.Path));
        Assert.Equal(token, ApiTokenFile.Read(TokenPath));
        Assert.NotEqual(token, ApiTokenFile.LoadOrCreate(Directory.CreateDirectory(_data.Combine("other")).FullName));
    }

    [Fact]
    public void A_data_directory_that_cannot_hold_the_file_is_a_clear_error()
    {
        var missing = _data.Combine("missing");

        var error = Assert.Throws<ApiConfigurationException>(() => ApiTokenFile.LoadOrCreate(missing));

        Assert.StartsWith($"cannot write the API token to {ApiTokenFile.PathIn(missing)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_first_starts_agree_on_one_token_and_leave_no_temporary_file()
    {
        var tokens = new string[8];
        Parallel.For(0, tokens.Length, i => tokens[i] = ApiTokenFile.LoadOrCreate(_data.Path));

        Assert.Single(tokens.Distinct());
        Assert.Equal([ApiTokenFile.FileName], Directory.GetFiles(_data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_token_file_open_to_other_users_is_refused_with_what_to_do()
    {
        var token = ApiTokenFile.LoadOrCreate(_data.Path);
        File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = Assert.Throws<ApiConfigurationException>(() => ApiTokenFile.LoadOrCreate(_data.Path));

        Assert.Contains("open to other users (mode 0604)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {TokenPath}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("a token with spaces in it, long enough to pass")]
    public void A_file_that_holds_no_token_is_refused(string content)
    {
        File.WriteAllText(TokenPath, content);
        File.SetUnixFileMode(TokenPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<ApiConfigurationException>(() => ApiTokenFile.LoadOrCreate(_data.Path));

        Assert.Contains($"{TokenPath} does not hold an API token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_missing_file_says_which()
    {
        var error = Assert.Throws<ApiConfigurationException>(() => ApiTokenFile.Read(TokenPath));

        Assert.Equal($"{TokenPath} does not exist", error.Message);
    }

    public void Dispose() => _data.Dispose();
}
