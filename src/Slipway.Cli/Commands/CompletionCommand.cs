using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh|fish</c>: prints the shell's completion script. The scripts hold no list of commands:
/// they ask <c>slipway</c> itself (System.CommandLine's <c>[suggest]</c> directive) at each Tab, so completion
/// never falls behind the installed version. The scripts are the files in Completion/, embedded.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        string[] shells = ["bash", "zsh", "fish"];
        var shell = new Argument<string>("shell") { Description = "The shell: bash, zsh or fish" };
        shell.CompletionSources.Add(shells);
        shell.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !shells.Contains(result.Tokens[0].Value))
            {
                result.AddError($"unknown shell '{result.Tokens[0].Value}': expected bash, zsh or fish");
            }
        });
        var command = new Command("completion", "Print the shell completion script for bash, zsh or fish (see docs/cli.md to install it)") { shell };
        CliAction.Set(command, async (result, ct) =>
        {
            var name = $"Slipway.Cli.Completion.slipway.{result.GetValue(shell)}";
            await using var stream = typeof(CompletionCommand).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"the completion script {name} is not embedded in this build");
            using var reader = new StreamReader(stream);
            await Console.Out.WriteAsync(await reader.ReadToEndAsync(ct));
            return 0;
        });
        return command;
    }
}
