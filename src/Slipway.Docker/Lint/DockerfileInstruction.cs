namespace Slipway.Docker.Lint;

/// <summary>One instruction of a Dockerfile, continuation lines joined, with the line it starts on (1-based).</summary>
/// <param name="Keyword">Upper case: FROM, RUN, ENV …</param>
public sealed record DockerfileInstruction(int Line, string Keyword, string Arguments);
