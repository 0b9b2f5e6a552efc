namespace Slipway.Core.Spec;

/// <summary>
/// One spec file as it is submitted: its text, how errors name it, and the directory its relative
/// <c>artifact.path</c>s are resolved against. Several are parsed together as one unit (see <see cref="SpecParser"/>).
/// </summary>
/// <param name="FileName">How errors name the file (the path the user gave, or <c>&lt;stdin&gt;</c>).</param>
/// <param name="Content">The file's text.</param>
/// <param name="BaseDirectory">What relative <c>artifact.path</c>s are resolved against; an absolute path (the file's
/// directory, or the current directory for standard input).</param>
public sealed record SpecFileContent(string FileName, string Content, string BaseDirectory);
