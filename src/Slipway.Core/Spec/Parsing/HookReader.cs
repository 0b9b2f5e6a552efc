using System.Collections.Frozen;
using Slipway.Core.Analysis;
using Slipway.Core.Hooks;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads <c>spec.hooks</c> onto <see cref="HookSpec"/>: Flagger's webhooks with Slipway's names. Each hook has a name
/// (a DNS label, unique among the app's hooks), a <c>type</c> (the moment it runs at), exactly one of <c>job</c> (a
/// command) or <c>http</c> (a request), a <c>timeout</c> (1m) and <c>retries</c> (0), and may declare itself
/// <c>irreversible</c>. Hooks are not part of the template: changing one is a spec update, not a new revision.
/// </summary>
internal sealed class HookReader(SpecReader reader)
{
    public const string Job = "job";
    public const string Http = "http";

    /// <summary>The most attempts a hook may retry: a hook failing more often than this is broken, not unlucky.</summary>
    public const int MaxRetries = 20;

    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary>What Slipway sets in a job hook's environment: a hook's own env must not set them.</summary>
    public static readonly IReadOnlyList<string> ReservedEnvNames =
    [
        "SLIPWAY_APP", "SLIPWAY_ENV", "SLIPWAY_REVISION", "SLIPWAY_STABLE_REVISION", "SLIPWAY_STABLE_URL",
        "SLIPWAY_HOOK", "SLIPWAY_HOOK_TYPE", "SLIPWAY_EVENT",
    ];

    private static readonly IReadOnlyList<string> Actions = [Job, Http];

    private static readonly IReadOnlyList<string> Methods = ["POST", "PUT", "PATCH", "GET"];

    private static readonly FieldSet HookFields = new(
        ["name", "type", Job, Http, "timeout", "retries", "irreversible"],
        new Dictionary<string, string>
        {
            ["url"] = "Slipway's hooks say what they call: write http: {url: …} (or job: {command: …})",
            ["metadata"] = "Slipway sends the rollout's moment as the JSON body; to send your own, write http: {body: …}",
            ["webhooks"] = "hooks are listed directly under spec.hooks",
        }.ToFrozenDictionary());

    private static readonly FieldSet JobFields = new(
        ["command", "args", "env"],
        new Dictionary<string, string>
        {
            ["timeout"] = "the timeout is the hook's own: write it beside job, not inside it",
            ["workingDir"] = "a job hook runs in the new revision's artifact directory",
        }.ToFrozenDictionary());

    private static readonly FieldSet HttpFields = new(
        ["url", "method", "headers", "body"],
        new Dictionary<string, string>
        {
            ["timeout"] = "the timeout is the hook's own: write it beside http, not inside it",
            ["insecure"] = "not supported: Slipway always checks TLS certificates",
        }.ToFrozenDictionary());

    private static readonly FieldSet HeaderFields = FieldSet.Of("name", "value");

    private readonly EnvReader _env = new(reader);

    /// <summary>
    /// The hooks in field <c>hooks</c> of <paramref name="spec"/>, in order; empty when absent. With
    /// <paramref name="imageArtifact"/>, a job hook is an error: it runs in the revision's artifact directory, which an
    /// image revision does not have.
    /// </summary>
    public IReadOnlyList<HookSpec> Read(MappingFields spec, bool imageArtifact = false)
    {
        var hooks = new List<HookSpec>();
        if (reader.Sequence(spec, "hooks") is not { } list)
        {
            return hooks;
        }

        var path = spec.PathOf("hooks");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var itemPath = SpecPath.Index(path, i);
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, itemPath, "expected a mapping with name, type and job or http, got null");
                continue;
            }

            var hook = reader.Mapping(item, itemPath, item.Start, HookFields);
            var read = ReadHook(hook);
            if (imageArtifact && read.Action is JobHookAction)
            {
                reader.Error(hook.KeyPosition("job"), hook.PathOf("job"), "a job hook runs in the revision's artifact directory, and an artifact.image revision has none: use an http hook (job hooks in a container of the image are not built yet)");
            }

            if (read.Name.Length > 0 && hook.Value("name") is { } nameNode && !seen.TryAdd(read.Name, nameNode.Start))
            {
                reader.Error(nameNode.Start, hook.PathOf("name"), $"duplicate hook name '{read.Name}' (first used at line {seen[read.Name].Line})");
            }

            hooks.Add(read);
        }

        return hooks;
    }

    private HookSpec ReadHook(MappingFields hook)
    {
        var name = reader.RequiredString(hook, "name");
        reader.Check(hook, "name", name, SpecNames.CheckDnsLabel);

        if (hook.IsValid && hook.Value("type") is null)
        {
            reader.Missing(hook, "type");
        }

        var typeName = reader.OneOf(hook, "type", HookNames.All);
        HookType? type = typeName is null ? null : Enum.GetValues<HookType>().First(t => HookNames.Of(t) == typeName);

        var actions = reader.Choose(hook, Actions).Select(kind => kind == Job
            ? (HookAction)ReadJob(reader.Child(hook, kind, JobFields))
            : ReadHttp(reader.Child(hook, kind, HttpFields), type)).ToList();

        var timeout = reader.Duration(hook, "timeout", MinTimeout, MaxTimeout) ?? HookSpec.DefaultTimeout;
        var retries = reader.Int(hook, "retries", HookSpec.DefaultRetries, 0, MaxRetries);
        if (type is { } t && HookNames.IsConfirmation(t) && hook.Value("retries") is { } retriesNode)
        {
            reader.Error(retriesNode.Start, hook.PathOf("retries"), $"a {typeName} hook is asked again every {(int)HookRun.ConfirmInterval.TotalSeconds}s until it says yes: retries does not apply");
        }

        return new HookSpec(name, type ?? HookType.PreRollout, actions.FirstOrDefault() ?? new JobHookAction("", [], []), timeout, retries) // placeholders: the errors are recorded
        {
            Irreversible = ReadIrreversible(hook, type, typeName),
        };
    }

    /// <summary>
    /// <c>irreversible: {reason: …}</c>: what the hook changes that a rollback cannot undo (a migration). Only a hook
    /// that acts can be irreversible: a confirmation or an event notification changes nothing.
    /// </summary>
    private IrreversibleSpec? ReadIrreversible(MappingFields hook, HookType? type, string? typeName)
    {
        if (hook.Value("irreversible") is null)
        {
            return null;
        }

        if (type is HookType.ConfirmRollout or HookType.ConfirmPromotion or HookType.Event)
        {
            reader.Error(hook.KeyPosition("irreversible"), hook.PathOf("irreversible"), $"{(typeName == "event" ? "an" : "a")} {typeName} hook changes nothing a rollback could undo: only preRollout, postPromotion and onAbort hooks can be irreversible");
        }

        return reader.Irreversible(hook);
    }

    private JobHookAction ReadJob(MappingFields job) =>
        new(reader.RequiredString(job, "command"), reader.StringList(job, "args"), ReadEnv(job));

    private List<EnvVar> ReadEnv(MappingFields job) =>
        _env.Read(job, name => ReservedEnvNames.Contains(name, StringComparer.Ordinal) ? "Slipway sets it for every job hook (see docs/hooks.md)" : null);

    private HttpHookAction ReadHttp(MappingFields http, HookType? type)
    {
        var url = reader.RequiredString(http, "url");
        if (url.Length > 0 && http.Value("url") is { } urlNode
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
        {
            reader.Error(urlNode.Start, http.PathOf("url"), $"expected an http:// or https:// URL, got '{url}'");
        }

        var method = "POST";
        if (http.Value("method") is { } methodNode && reader.AsString(methodNode, http.PathOf("method")) is { } written)
        {
            method = written.ToUpperInvariant();
            if (!Methods.Contains(method, StringComparer.Ordinal))
            {
                reader.Error(methodNode.Start, http.PathOf("method"), $"expected POST, PUT, PATCH or GET, got '{written}'");
            }
            else if (method == "GET" && type == HookType.Event)
            {
                reader.Error(methodNode.Start, http.PathOf("method"), "an event hook sends each event as the request's body: use POST, PUT or PATCH");
            }
        }

        var body = reader.OptionalString(http, "body");
        if (body is not null && http.Value("body") is { } bodyNode)
        {
            if (type == HookType.Event)
            {
                reader.Error(bodyNode.Start, http.PathOf("body"), "an event hook's body is the event: leave body out");
            }
            else if (method == "GET")
            {
                reader.Error(bodyNode.Start, http.PathOf("body"), "a GET request has no body: set method: POST, PUT or PATCH");
            }
        }

        return new HttpHookAction(url, method, ReadHeaders(http), body);
    }

    private List<HttpHeaderSpec> ReadHeaders(MappingFields http)
    {
        var headers = new List<HttpHeaderSpec>();
        if (reader.Sequence(http, "headers") is not { } list)
        {
            return headers;
        }

        var path = http.PathOf("headers");
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with name and value, got null");
                continue;
            }

            var header = reader.Mapping(item, SpecPath.Index(path, i), item.Start, HeaderFields);
            var name = reader.RequiredString(header, "name");
            reader.Check(header, "name", name, SpecNames.CheckHeaderName);
            headers.Add(new HttpHeaderSpec(name, reader.OptionalString(header, "value") ?? ""));
        }

        return headers;
    }
}
