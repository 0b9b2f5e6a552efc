using System.Diagnostics;

namespace Slipway.Oci.Tests.Support;

/// <summary>Runs a command-line tool (htpasswd, skopeo, openssl) as an independent check, and gives back what it printed.</summary>
internal static class Tool
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>Runs <paramref name="command"/>; fails the test, with its output, when it exits with another code than 0.</summary>
    public static async Task<string> RunAsync(string command, params string[] arguments)
    {
        var (code, output, error) = await TryRunAsync(command, arguments);
        Assert.True(code == 0, $"{command} {string.Join(' ', arguments)} exited with {code}:\n{output}\n{error}");
        return output;
    }

    public static async Task<(int Code, string Output, string Error)> TryRunAsync(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
