namespace Slipway.Server.Apply;

/// <summary>The body of <c>POST /api/v1/apply</c> and <c>POST /api/v1/validate</c>: one spec file.</summary>
/// <param name="FileName">How errors name the file (the path the user gave).</param>
/// <param name="Content">The file's text.</param>
/// <param name="BaseDirectory">What relative <c>artifact.path</c>s are resolved against (the file's directory).</param>
/// <param name="Environment">The environment asked for (<c>slipway apply -e</c>), if any: documents without
/// <c>metadata.environment</c> deploy there; a document naming another environment is refused.</param>
public sealed record ApplyRequest(string FileName, string Content, string BaseDirectory, string? Environment = null);
