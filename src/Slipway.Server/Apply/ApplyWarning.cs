namespace Slipway.Server.Apply;

/// <summary>
/// A preflight warning of an apply, a dry run or a diff: the release goes ahead, and the user is told, at the line it is
/// about, as errors are (<c>web.yaml:9:3: spec.probes.readiness: warning: web/prod: 3 replicas and no readiness probe …</c>).
/// </summary>
public sealed record ApplyWarning(string App, string Environment, string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: warning: {Message}";
}
