using System.Text;
using System.Text.Json.Nodes;
using Slipway.Server.Supply;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>image scan</c>. Text: which image, how many packages against how many advisories; the findings most severe first
/// (SEVERITY with the CVSS score, PACKAGE, VERSION, ADVISORY, FIXED IN; wide adds ALIASES and SUMMARY); notes; and with
/// <c>--env</c>, the environment's verdict in words. Names: <c>finding/ADVISORY/PACKAGE</c>.
/// </summary>
internal sealed class ScanOutput(JsonNode document, ScanView scan) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => scan.Findings.Select(f => $"finding/{f.Advisory}/{f.Package}");

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        text.Append(scan.Image).Append(": ")
            .Append(scan.Findings.Count == 0 ? "no known vulnerability" : scan.Findings.Count == 1 ? "1 finding" : $"{scan.Findings.Count} findings")
            .Append($" ({scan.Components} packages against {scan.Advisories.Count} advisories from {scan.Advisories.Path}, read {Timestamp.Format(scan.Advisories.LoadedAt)})\n");
        if (scan.Findings.Count > 0)
        {
            text.Append('\n');
            var headers = wide ? new[] { "SEVERITY", "PACKAGE", "VERSION", "ADVISORY", "FIXED IN", "ALIASES", "SUMMARY" } : ["SEVERITY", "PACKAGE", "VERSION", "ADVISORY", "FIXED IN"];
            text.Append(TextTable.Render(headers, scan.Findings.Select(f =>
            {
                var severity = f.Score is { } score ? $"{f.Severity} ({score:0.0})" : f.Severity;
                var package = f.SourcePackage is { } source ? $"{f.Package} (source {source})" : f.Package;
                IReadOnlyList<string> row = wide
                    ? [severity, package, f.Version, f.Advisory, f.FixedIn ?? "-", f.Aliases.Count == 0 ? "-" : string.Join(",", f.Aliases), f.Summary ?? "-"]
                    : [severity, package, f.Version, f.Advisory, f.FixedIn ?? "-"];
                return row;
            })));
        }

        foreach (var note in scan.Notes)
        {
            text.Append("note: ").Append(note).Append('\n');
        }

        if (scan.Verdict is { } verdict)
        {
            text.Append('\n').Append(VerdictText.Describe(verdict)).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>An environment's verdict on an image in words, as <c>scan --env</c> and <c>promote --env</c> print it.</summary>
internal static class VerdictText
{
    public static string Describe(GateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var policies = verdict.Policies.Count == 0 ? "no image policy" : string.Join(", ", verdict.Policies);
        return $"{verdict.Environment} ({policies}): {verdict.Message}";
    }
}
