using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Docker.Lint;

namespace Slipway.Server.Build;

/// <summary>
/// The Dockerfile line of a failed build step, so a failure reads like a compiler's: <c>Dockerfile:7: step 4/9 (RUN
/// make) failed: …</c>. The engine numbers steps, not lines: the classic builder runs one step per instruction, in file
/// order (global ARGs included), so step K is the Dockerfile's K-th instruction.
/// </summary>
/// <remarks>
/// The build adds one step at the end (the <c>LABEL</c> line with the OCI labels, on a copy of the Dockerfile), which
/// has no line in the user's file. When the count or the instruction does not match — a Dockerfile changed while it
/// was built — there is no line rather than a wrong one.
/// </remarks>
public static partial class FailedStep
{
    /// <param name="step">As the engine numbered it: <c>step 4/9 (RUN make)</c>.</param>
    /// <returns>The 1-based line the step's instruction starts on; null when it cannot be told.</returns>
    public static int? LineOf(Dockerfile dockerfile, string? step)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        if (step is null || StepPattern().Match(step) is not { Success: true } match)
        {
            return null;
        }

        var number = int.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        var total = int.Parse(match.Groups["total"].Value, CultureInfo.InvariantCulture);
        var instructions = dockerfile.Instructions;
        if (number < 1 || number > instructions.Count || (total != instructions.Count && total != instructions.Count + 1))
        {
            return null;
        }

        var instruction = instructions[number - 1];
        return match.Groups["keyword"].Value.Equals(instruction.Keyword, StringComparison.OrdinalIgnoreCase) ? instruction.Line : null;
    }

    [GeneratedRegex(@"^step (?<number>\d+)/(?<total>\d+) \((?<keyword>[A-Za-z]+)", RegexOptions.CultureInvariant)]
    private static partial Regex StepPattern();
}
