namespace Slipway.Core.Spec.Parsing;

/// <summary>Reads <c>spec.probes</c>: startup, readiness and liveness, each optional.</summary>
internal sealed class ProbeReader(SpecReader reader)
{
    private static readonly IReadOnlyList<string> Actions = ["httpGet", "tcpSocket", "exec"];

    private static readonly FieldSet ProbesFields = FieldSet.Of("startup", "readiness", "liveness");

    private static readonly FieldSet ProbeFields = FieldSet.Of(
        [.. Actions, "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold"]);

    private static readonly FieldSet HttpGetFields = FieldSet.Of("path", "port");
    private static readonly FieldSet TcpSocketFields = FieldSet.Of("port");
    private static readonly FieldSet ExecFields = FieldSet.Of("command");

    public ProbeSet Read(MappingFields spec)
    {
        var probes = reader.Child(spec, "probes", ProbesFields);
        return new ProbeSet(
            ReadProbe(probes, "startup", singleSuccess: true),
            ReadProbe(probes, "readiness", singleSuccess: false),
            ReadProbe(probes, "liveness", singleSuccess: true));
    }

    /// <param name="singleSuccess">
    /// Startup and liveness probes end or reset on the first success, so a success threshold
    /// other than 1 has no meaning for them (Kubernetes rejects it too).
    /// </param>
    private ProbeSpec? ReadProbe(MappingFields probes, string name, bool singleSuccess)
    {
        if (probes.Value(name) is null)
        {
            return null;
        }

        var probe = reader.Child(probes, name, ProbeFields);
        var actions = reader.Choose(probe, Actions).Select(kind => ReadAction(probe, kind)).ToList();
        var action = actions.FirstOrDefault() ?? new TcpSocketAction(null); // placeholder: the error is recorded

        var successThreshold = reader.Int(probe, "successThreshold", 1, 1);
        if (singleSuccess && successThreshold != 1)
        {
            reader.Error(probe.Value("successThreshold")!.Start, probe.PathOf("successThreshold"), $"must be 1 for a {name} probe, got {successThreshold}");
        }

        return new ProbeSpec(
            action,
            InitialDelaySeconds: reader.Int(probe, "initialDelaySeconds", 0, 0),
            PeriodSeconds: reader.Int(probe, "periodSeconds", 10, 1),
            TimeoutSeconds: reader.Int(probe, "timeoutSeconds", 1, 1),
            FailureThreshold: reader.Int(probe, "failureThreshold", 3, 1),
            SuccessThreshold: successThreshold);
    }

    private ProbeAction ReadAction(MappingFields probe, string kind) => kind switch
    {
        "httpGet" => ReadHttpGet(reader.Child(probe, kind, HttpGetFields)),
        "tcpSocket" => new TcpSocketAction(ReadPort(reader.Child(probe, kind, TcpSocketFields))),
        _ => new ExecAction(reader.StringList(reader.Child(probe, kind, ExecFields), "command", required: true)),
    };

    private HttpGetAction ReadHttpGet(MappingFields httpGet)
    {
        var path = reader.RequiredString(httpGet, "path");
        reader.Check(httpGet, "path", path, p => p.StartsWith('/') ? null : $"must start with '/', got '{p}'");
        return new HttpGetAction(path, ReadPort(httpGet));
    }

    /// <summary>Null means the instance's own port.</summary>
    private int? ReadPort(MappingFields action) => reader.OptionalInt(action, "port", 1, 65535);
}
