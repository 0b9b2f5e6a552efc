using System.Collections.Frozen;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Maps one <c>kind: AnalysisTemplate</c> document onto <see cref="AnalysisTemplate"/>: its name, the arguments it
/// declares (a value is a default; without one, every reference must give it) and its metrics, whose placeholders
/// may name only those arguments and the built-ins.
/// </summary>
internal sealed class AnalysisTemplateReader
{
    private static readonly FieldSet RootFields = FieldSet.Of("apiVersion", "kind", "metadata", "spec");

    private const string Global = "an analysis template is global to a Slipway server, like Argo's ClusterAnalysisTemplate: it serves every app and environment";

    private static readonly FieldSet MetadataFields = new(
        ["name"],
        new Dictionary<string, string> { ["environment"] = Global, ["namespace"] = Global }.ToFrozenDictionary());

    private static readonly FieldSet SpecFields = new(
        ["args", "metrics"],
        new Dictionary<string, string>
        {
            ["dryRun"] = "set dryRun: true on each metric that should be measured without deciding anything",
            ["measurementRetention"] = "not supported yet: Slipway shows the last 10 measurements of each metric and keeps the rest",
        }.ToFrozenDictionary());

    private readonly SpecReader _reader;
    private readonly AnalysisArgReader _args;
    private readonly MetricReader _metrics;

    public AnalysisTemplateReader(SpecReader reader)
    {
        _reader = reader;
        _args = new AnalysisArgReader(reader);
        _metrics = new MetricReader(reader);
    }

    /// <param name="root">A mapping: a document that is not one is read as an application, which reports it.</param>
    public DocumentReadResult Read(SpecNode root)
    {
        var before = _reader.ErrorCount;
        var fields = _reader.BeginDocument();
        var document = _reader.Mapping(root, "", root.Start, RootFields);
        DocumentKinds.CheckHeader(_reader, document);

        var metadata = _reader.RequiredChild(document, "metadata", MetadataFields);
        var name = _reader.RequiredString(metadata, "name");
        _reader.Check(metadata, "name", name, SpecNames.CheckDnsLabel);
        var identity = name.Length > 0 && SpecNames.CheckDnsLabel(name) is null && metadata.Value("name") is { } nameNode
            ? new TemplateIdentity(name, nameNode.Start)
            : null;

        var spec = _reader.RequiredChild(document, "spec", SpecFields);
        var args = _args.Read(spec, "args", valueRequired: false);
        var declared = args.Select(a => a.Name).Where(n => n.Length > 0).ToFrozenSet(StringComparer.Ordinal);
        var metrics = _metrics.ReadList(spec, "metrics", declared, required: true);

        var template = _reader.ErrorCount == before
            ? new AnalysisTemplate(name, args, metrics) { Source = new SpecSource(_reader.FileName, root.Start, fields) }
            : null;
        return new DocumentReadResult(root.Start, null, null, []) { Template = template, TemplateIdentity = identity };
    }
}
