using Slipway.Cli.Commands;

namespace Slipway.Cli.Tests.Commands;

/// <summary>How <c>secret set</c> reads its keys and values, and that no message it gives shows a value.</summary>
public sealed class SecretDataTests
{
    private const string Value = "hunter2-sentinel";

    [Fact]
    public void Pairs_files_and_stdin_make_one_set_of_keys()
    {
        var (data, errors) = SecretData.Read(
            ["url=postgres://app:x=y@db/shop", "empty="],
            ["tls.crt=/certs/tls.crt"],
            "password",
            path => path == "/certs/tls.crt" ? "-----BEGIN-----\n" : throw new FileNotFoundException(),
            () => Value + "\n");

        Assert.Empty(errors);
        Assert.Equal(["empty", "password", "tls.crt", "url"], data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("postgres://app:x=y@db/shop", data["url"]); // the first '=' ends the key
        Assert.Equal("", data["empty"]);
        Assert.Equal("-----BEGIN-----\n", data["tls.crt"]); // a file as it is
        Assert.True(data["password"] == Value, "stdin less its final line break");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_none_shows_a_value()
    {
        var (_, errors) = SecretData.Read(
            [Value, "=" + Value, "a/b=" + Value, "url=1", "url=2"],
            ["nopath", "cert=/missing"],
            null,
            path => throw new FileNotFoundException($"could not find file '{path}'"),
            () => "");

        Assert.Equal(
            [
                "argument 1 after the secret's name is not KEY=VALUE (it has no '=')",
                "argument 2 after the secret's name is not KEY=VALUE (it has no key before '=')",
                "argument 3: key 'a/b' must hold only letters, digits, '.', '_' and '-', got 'a/b'",
                "argument 5: key url is given twice",
                "--from-file 'nopath': expected KEY=PATH",
                "--from-file cert: could not find file '/missing'",
            ],
            errors);
        Assert.DoesNotContain(errors, e => e.Contains(Value, StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_to_set_is_an_error()
    {
        var (_, errors) = SecretData.Read([], [], null, _ => "", () => "");

        Assert.Equal(["no keys to set: give KEY=VALUE, --from-file KEY=PATH or --stdin KEY"], errors);
    }
}
