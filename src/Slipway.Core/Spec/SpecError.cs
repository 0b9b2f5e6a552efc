namespace Slipway.Core.Spec;

/// <summary>
/// One problem in a spec file, pointing at the exact place to fix it.
/// </summary>
/// <param name="File">The file name given to the parser, as the user knows it.</param>
/// <param name="Line">1-based line of the offending node (for a missing field: of its parent's key).</param>
/// <param name="Column">1-based column of the offending node.</param>
/// <param name="Path">The field path inside the document, e.g. <c>spec.strategy.canary.steps[2].setWeight</c>;
/// <c>(document)</c> or <c>(file)</c> when the problem is not in one field.</param>
/// <param name="Message">What was expected, and what was found.</param>
public sealed record SpecError(string File, int Line, int Column, string Path, string Message)
{
    /// <summary>The compiler-style form <c>file:line:column: path: message</c> that editors and terminals recognise.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}
