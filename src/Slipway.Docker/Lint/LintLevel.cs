namespace Slipway.Docker.Lint;

/// <summary>What a lint rule does when it finds something: nothing, a warning in the build's report, or a failed build.</summary>
public enum LintLevel
{
    Off,
    Warn,
    Fail,
}
