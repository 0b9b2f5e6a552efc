using System.Collections.Frozen;

using Slipway.Oci;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Maps one <c>kind: Application</c> document onto <see cref="ApplicationManifest"/>, filling
/// defaults and reporting every problem it finds. The strategy and probes have their own readers.
/// </summary>
internal sealed class ApplicationReader
{
    public const string DefaultEnvironment = "dev";

    /// <summary>Slipway gives every instance its port in PORT; a spec must not override it.</summary>
    public const string ReservedEnvName = "PORT";

    private static readonly FieldSet RootFields = FieldSet.Of("apiVersion", "kind", "metadata", "spec");
    private static readonly FieldSet MetadataFields = FieldSet.Of("name", "environment", "labels");

    private static readonly FieldSet SpecFields = FieldSet.Of(
        "artifact", "command", "args", "env", "replicas", "port", "route", "probes",
        "terminationGracePeriodSeconds", "progressDeadlineSeconds", "minReadySeconds", "maxRestarts",
        "revisionHistoryLimit", "strategy", "irreversible", "requiredEnv", "preflight", "hooks", "slos", "errorBudgetPolicy");

    private static readonly FieldSet ArtifactFields = FieldSet.Of("path", "image");


    private static readonly FieldSet PreflightFields = FieldSet.Of("readinessProbe");

    /// <summary>The env names Slipway sets for every instance (Local's InstanceEnvironment): a spec need not require them.</summary>
    private static readonly string[] SetBySlipway = [ReservedEnvName, "SLIPWAY_APP", "SLIPWAY_ENV", "SLIPWAY_REVISION", "SLIPWAY_INSTANCE"];

    private readonly SpecReader _reader;
    private readonly string _baseDirectory;
    private readonly string? _requestedEnvironment;
    private readonly RouteReader _routes;
    private readonly ProbeReader _probes;
    private readonly StrategyReader _strategies;
    private readonly EnvReader _env;
    private readonly HookReader _hooks;
    private readonly SloReader _slos;

    /// <param name="requestedEnvironment">The environment the caller asks for (<c>slipway apply -e</c>): the
    /// environment of documents that name none, and the one those that name one must agree with.</param>
    public ApplicationReader(SpecReader reader, string baseDirectory, string? requestedEnvironment = null)
    {
        _reader = reader;
        _baseDirectory = baseDirectory;
        _requestedEnvironment = requestedEnvironment;
        _routes = new RouteReader(reader);
        _probes = new ProbeReader(reader);
        _strategies = new StrategyReader(reader, _routes);
        _env = new EnvReader(reader);
        _hooks = new HookReader(reader);
        _slos = new SloReader(reader);
    }

    public DocumentReadResult Read(SpecNode root)
    {
        var before = _reader.ErrorCount;
        var fields = _reader.BeginDocument();
        if (root is not SpecMapping)
        {
            _reader.Error(root.Start, SpecPath.Document, $"expected a mapping with apiVersion, kind, metadata and spec, got {root.Describe()}");
            return new DocumentReadResult(root.Start, null, null, []);
        }

        var document = _reader.Mapping(root, "", root.Start, RootFields);
        DocumentKinds.CheckHeader(_reader, document);

        var (metadata, identity) = ReadMetadata(document);
        var routes = new List<RouteClaim>();
        var spec = ReadSpec(document, identity, routes);

        var manifest = _reader.ErrorCount == before
            ? new ApplicationManifest(metadata, spec, new SpecSource(_reader.FileName, root.Start, fields))
            : null;
        return new DocumentReadResult(root.Start, manifest, identity, routes);
    }

    private (ApplicationMetadata Metadata, DocumentIdentity? Identity) ReadMetadata(MappingFields document)
    {
        var metadata = _reader.RequiredChild(document, "metadata", MetadataFields);
        var before = _reader.ErrorCount;
        var name = _reader.RequiredString(metadata, "name");
        _reader.Check(metadata, "name", name, SpecNames.CheckDnsLabel);
        var written = _reader.OptionalString(metadata, "environment");
        var environment = written ?? _requestedEnvironment ?? DefaultEnvironment;
        _reader.Check(metadata, "environment", written, SpecNames.CheckDnsLabel);
        if (metadata.Value("environment") is { } envNode)
        {
            if (written is { Length: 0 })
            {
                _reader.Error(envNode.Start, metadata.PathOf("environment"), "must not be empty");
            }
            else if (written is not null && _requestedEnvironment is not null && written != _requestedEnvironment)
            {
                // Applying a file to one environment must never deploy it to another: refuse rather than pick one.
                _reader.Error(envNode.Start, metadata.PathOf("environment"), $"is '{written}', but environment '{_requestedEnvironment}' was requested (-e): remove one of them or make them agree");
            }
        }
        else if (metadata.IsValid && written is null && _requestedEnvironment is not null
            && (_requestedEnvironment.Length == 0 ? "must not be empty" : SpecNames.CheckDnsLabel(_requestedEnvironment)) is { } problem)
        {
            _reader.Error(metadata.KeyPosition("environment"), metadata.PathOf("environment"), $"the requested environment '{_requestedEnvironment}' (-e) is not valid: {problem}");
        }

        var identity = metadata.IsValid && _reader.ErrorCount == before
            ? new DocumentIdentity(name, environment, metadata.Value("name")!.Start)
            : null;

        var labels = ReadLabels(metadata);
        return (new ApplicationMetadata(name, environment, labels), identity);
    }

    private Dictionary<string, string> ReadLabels(MappingFields metadata)
    {
        var labels = _reader.Child(metadata, "labels", FieldSet.Any);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in labels.Present)
        {
            var entry = labels.Entry(key)!;
            var path = labels.PathOf(key);
            if (SpecNames.CheckLabelKey(key) is { } keyProblem)
            {
                _reader.Error(entry.Key.Start, path, keyProblem);
            }

            // "team:" with nothing after it is an empty value, as in Kubernetes; a list or map is not a value.
            var value = entry.Value is SpecScalar { IsNull: true } ? "" : _reader.AsString(entry.Value, path) ?? "";
            if (SpecNames.CheckLabelValue(value) is { } valueProblem)
            {
                _reader.Error(entry.Value.Start, path, valueProblem);
            }

            result[key] = value;
        }

        return result;
    }

    private ApplicationSpec ReadSpec(MappingFields document, DocumentIdentity? identity, List<RouteClaim> routes)
    {
        var spec = _reader.RequiredChild(document, "spec", SpecFields);
        var artifact = ReadArtifact(spec);
        var template = new InstanceTemplate(
            artifact,
            // An image says what it runs (ENTRYPOINT, CMD): command then replaces its entrypoint, as in Kubernetes.
            artifact.IsImage ? _reader.OptionalString(spec, "command") ?? "" : _reader.RequiredString(spec, "command"),
            _reader.StringList(spec, "args"),
            ReadEnv(spec),
            _reader.OptionalInt(spec, "port", 1, 65535),
            _probes.Read(spec),
            _reader.Int(spec, "terminationGracePeriodSeconds", InstanceTemplate.DefaultTerminationGracePeriodSeconds, 0))
        {
            Irreversible = _reader.Irreversible(spec),
        };

        var replicas = _reader.Int(spec, "replicas", ApplicationSpec.DefaultReplicas, 0);
        var defaultHost = identity is null ? null : RouteSpec.DefaultHost(identity.Name, identity.Environment);
        var route = _routes.Read(spec, "route", defaultHost, routes);
        var progressDeadline = _reader.Int(spec, "progressDeadlineSeconds", ApplicationSpec.DefaultProgressDeadlineSeconds, 1);
        var minReady = _reader.Int(spec, "minReadySeconds", ApplicationSpec.DefaultMinReadySeconds, 0);
        var maxRestarts = _reader.Int(spec, "maxRestarts", ApplicationSpec.DefaultMaxRestarts, 0);
        var historyLimit = _reader.Int(spec, "revisionHistoryLimit", ApplicationSpec.DefaultRevisionHistoryLimit, 0);
        var strategy = _strategies.Read(spec, identity, routes);
        var slos = _slos.ReadSlos(spec);
        var errorBudgetPolicy = _slos.ReadPolicy(spec, slos);
        return new ApplicationSpec(template, replicas, route, progressDeadline, strategy)
        {
            MinReadySeconds = minReady,
            MaxRestarts = maxRestarts,
            RevisionHistoryLimit = historyLimit,
            RequiredEnv = ReadRequiredEnv(spec),
            Preflight = ReadPreflight(spec),
            Hooks = _hooks.Read(spec, artifact.IsImage),
            Slos = slos,
            ErrorBudgetPolicy = errorBudgetPolicy,
        };
    }

    /// <summary>
    /// <c>artifact: {path: DIR}</c> or <c>artifact: {image: REGISTRY/NAME[:TAG][@sha256:…]}</c>, exactly one. An image's
    /// tag is resolved to a digest by the server when a revision is made; here only the reference's form is checked.
    /// </summary>
    private ArtifactRef ReadArtifact(MappingFields spec)
    {
        var artifact = _reader.RequiredChild(spec, "artifact", ArtifactFields);
        var hasPath = artifact.Entry("path") is not null;
        var hasImage = artifact.Entry("image") is not null;
        if (hasPath && hasImage)
        {
            _reader.Error(artifact.KeyPosition("image"), artifact.PathOf("image"), "give one of artifact.path (a directory) and artifact.image (an OCI image), not both");
            return new ArtifactRef("");
        }

        if (hasImage)
        {
            var image = _reader.RequiredString(artifact, "image");
            if (!ImageReference.TryParse(image, out var reference, out var error))
            {
                if (image.Length > 0)
                {
                    _reader.Error(artifact.Value("image")!.Start, artifact.PathOf("image"), $"is not an image reference: {error}");
                }

                return ArtifactRef.ForImage("");
            }

            return ArtifactRef.ForImage(reference.ToString());
        }

        if (!hasPath && artifact.IsValid)
        {
            _reader.Error(artifact.MissingAt, artifact.Path, "missing required field 'path' (a directory) or 'image' (an OCI image)");
            return new ArtifactRef("");
        }

        var path = _reader.RequiredString(artifact, "path");
        if (path.Length == 0)
        {
            return new ArtifactRef("");
        }

        try
        {
            // Path arithmetic only: whether the directory exists is for the caller to check.
            return new ArtifactRef(Path.GetFullPath(Path.Combine(_baseDirectory, path)));
        }
        catch (ArgumentException e)
        {
            _reader.Error(artifact.Value("path")!.Start, artifact.PathOf("path"), $"is not a valid path: {e.Message}");
            return new ArtifactRef("");
        }
    }

    private List<EnvVar> ReadEnv(MappingFields spec) =>
        _env.Read(spec, name => name == ReservedEnvName ? "Slipway sets it to the port each instance must listen on" : null);

    /// <summary>
    /// <c>requiredEnv: [DATABASE_URL, SMTP_HOST]</c>: names as <c>env</c> writes them, each once. Whether each is set is
    /// not the parser's to say (a secret's value is known only to the server): the preflight checks do that.
    /// </summary>
    private List<string> ReadRequiredEnv(MappingFields spec)
    {
        var names = _reader.StringList(spec, "requiredEnv");
        if (spec.Value("requiredEnv") is not SpecSequence list)
        {
            return [.. names];
        }

        var path = spec.PathOf("requiredEnv");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var (name, node) = (names[i], list.Items[i]);
            if (node is not SpecScalar { IsNull: false })
            {
                continue; // already reported: expected a string
            }

            var itemPath = SpecPath.Index(path, i);
            if (name.Length == 0)
            {
                _reader.Error(node.Start, itemPath, "must not be empty");
            }
            else if (SpecNames.CheckEnvName(name) is { } problem)
            {
                _reader.Error(node.Start, itemPath, problem);
            }
            else if (SetBySlipway.Contains(name, StringComparer.Ordinal))
            {
                _reader.Error(node.Start, itemPath, $"{name} is set by Slipway for every instance: requiredEnv lists what the spec itself must set");
            }
            else if (!seen.TryAdd(name, node.Start))
            {
                _reader.Error(node.Start, itemPath, $"duplicate name '{name}' (first listed at line {seen[name].Line})");
            }
        }

        return [.. names];
    }

    /// <summary><c>preflight: {readinessProbe: warn|error|off}</c>; every setting has its default when absent.</summary>
    private PreflightPolicy ReadPreflight(MappingFields spec)
    {
        var preflight = _reader.Child(spec, "preflight", PreflightFields);
        return _reader.OneOf(preflight, "readinessProbe", ["warn", "error", "off"]) switch
        {
            "error" => new PreflightPolicy(PreflightLevel.Error),
            "off" => new PreflightPolicy(PreflightLevel.Off),
            _ => PreflightPolicy.Default,
        };
    }
}
