using System.CommandLine;

namespace Slipway.Cli;

/// <summary>
/// Runs a command body and turns failures into a message on stderr and a non-zero exit code: no input ever
/// prints a stack trace. An unexpected exception (a defect) prints its message, and its stack trace only
/// with <c>$SLIPWAY_DEBUG</c> set.
/// </summary>
internal static class CliAction
{
    /// <param name="failureExitCode">The exit code of a failure that would otherwise exit with 1 (a refusal, invalid
    /// input, a defect): <c>diff</c> gives 1 its own meaning (differences found) and fails with 2, as kubectl diff.</param>
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> body, int failureExitCode = 1) =>
        command.SetAction(async (result, ct) =>
        {
            try
            {
                return await body(result, ct);
            }
            catch (CliException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode == 1 ? failureExitCode : e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e)
            {
                var debug = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SLIPWAY_DEBUG"));
                await Console.Error.WriteLineAsync(debug
                    ? $"error: {e}"
                    : $"error: {e.Message} ({e.GetType().Name}; set SLIPWAY_DEBUG=1 to see where)");
                return failureExitCode;
            }
        });
}
