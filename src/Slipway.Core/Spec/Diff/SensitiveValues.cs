using System.Text.RegularExpressions;
using Slipway.Core.Analysis;

namespace Slipway.Core.Spec.Diff;

/// <summary>
/// The values of a spec that are taken for secrets, and what is shown in their place, so that a diff — and the API
/// answer that carries it — tells that a secret changed without ever showing it (docs/cli.md, <c>diff</c>).
/// </summary>
/// <remarks>
/// The rule, which masks too much rather than too little:
/// <list type="bullet">
/// <item>an env variable whose name, upper-cased and without <c>_</c>, <c>-</c> and <c>.</c>, contains one of
/// <see cref="Words"/> (<c>DB_PASSWORD</c>, <c>apiKey</c>, <c>GITHUB_TOKEN</c>, <c>SESSION_SECRET</c> …): its value;</item>
/// <item>an argument <c>--NAME=VALUE</c>, or <c>--NAME VALUE</c> (two arguments), where NAME follows the same rule: VALUE;</item>
/// <item>a URL with a password (<c>postgres://user:PASSWORD@host/db</c>) in any env value or argument: the password.</item>
/// <item>an env variable from a secret (<c>valueFrom.secretKeyRef</c>) is shown as its reference — secret, key and the
/// version a revision pinned — and is never resolved: its value is nowhere in a spec.</item>
/// <item>in analyses, by the same rules: an argument's value by its name, an http header's value by the header's
/// name (<c>Authorization</c>, <c>X-Api-Key</c>), a job's env values and arguments, and the password of a
/// Prometheus address or an http URL.</item>
/// <item>in hooks, as in analyses: a job's env values and arguments, an http header's value by the header's name, and
/// passwords in URLs.</item>
/// </list>
/// A hidden value shows as <see cref="Hidden"/>; on the side being compared, one that differs from the other side's
/// value at the same place shows as <see cref="Changed"/> instead, so the diff has a line to show.
/// </remarks>
public static partial class SensitiveValues
{
    public const string Hidden = "(sensitive value hidden)";
    public const string Changed = "(sensitive value changed)";

    /// <summary>Parts of a name that make its value sensitive.</summary>
    public static readonly IReadOnlyList<string> Words =
        ["PASS", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH", "COOKIE", "SESSION", "SALT", "DSN", "CONNECTIONSTRING"];

    /// <summary>Whether a value named <paramref name="name"/> (an env variable, a command-line flag) is taken for a secret.</summary>
    public static bool IsSensitiveName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var folded = name.ToUpperInvariant().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal);
        return Words.Any(w => folded.Contains(w, StringComparison.Ordinal));
    }

    /// <summary>
    /// <paramref name="spec"/> with every sensitive value replaced: by <see cref="Changed"/> where
    /// <paramref name="comparedTo"/> holds a different value at the same place, otherwise by <see cref="Hidden"/>
    /// (always, without <paramref name="comparedTo"/>).
    /// </summary>
    public static ApplicationSpec Mask(ApplicationSpec spec, ApplicationSpec? comparedTo = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        if (comparedTo is not null)
        {
            Walk(comparedTo, (place, value) => previous[place] = value);
        }

        return Walk(spec, (place, value) => previous.TryGetValue(place, out var old) && old != value ? Changed : Hidden);
    }

    /// <summary>
    /// <paramref name="template"/> with every sensitive value replaced, as <see cref="Mask(ApplicationSpec, ApplicationSpec?)"/>
    /// does for an application: argument defaults, header values, job env values and arguments, passwords in URLs.
    /// </summary>
    public static AnalysisTemplate Mask(AnalysisTemplate template, AnalysisTemplate? comparedTo = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        if (comparedTo is not null)
        {
            WalkTemplate(comparedTo, (place, value) => previous[place] = value);
        }

        return WalkTemplate(template, (place, value) => previous.TryGetValue(place, out var old) && old != value ? Changed : Hidden);
    }

    /// <summary>
    /// Replaces each sensitive value by what <paramref name="show"/> returns for it and its place (a key that names
    /// the same value in another version of the spec).
    /// </summary>
    private static ApplicationSpec Walk(ApplicationSpec spec, Func<string, string, string> show)
    {
        var template = spec.Template;
        return spec with
        {
            Template = template with { Env = MaskEnv(template.Env, "", show), Args = MaskArgs(template.Args, "", show) },
            Strategy = MaskStrategy(spec.Strategy, show),
            Hooks = [.. spec.Hooks.Select(h => h with { Action = MaskHook(h.Action, $"hook {h.Name} ", show) })],
        };
    }

    /// <summary>A hook as an analysis provider: a job's env values and arguments, an http header's value by its name, passwords in URLs.</summary>
    private static Hooks.HookAction MaskHook(Hooks.HookAction action, string place, Func<string, string, string> show) => action switch
    {
        Hooks.JobHookAction job => job with { Env = MaskEnv(job.Env, place, show), Args = MaskArgs(job.Args, place, show) },
        Hooks.HttpHookAction http => http with
        {
            Url = HideUrlPasswords(http.Url, $"{place}url", show),
            Headers = [.. http.Headers.Select(h => h with
            {
                Value = IsSensitiveName(h.Name) ? show($"{place}header {h.Name}", h.Value) : HideUrlPasswords(h.Value, $"{place}header {h.Name}", show),
            })],
            Body = http.Body is { } body ? HideUrlPasswords(body, $"{place}body", show) : null,
        },
        _ => action,
    };

    private static AnalysisTemplate WalkTemplate(AnalysisTemplate template, Func<string, string, string> show) =>
        template with
        {
            Args = MaskAnalysisArgs(template.Args, "", show),
            Metrics = MaskMetrics(template.Metrics, "", show),
        };

    private static StrategySpec MaskStrategy(StrategySpec strategy, Func<string, string, string> show) => strategy switch
    {
        CanaryStrategy canary => canary with
        {
            Steps = [.. canary.Steps.Select((step, i) => step is AnalysisStep a ? a with { Analysis = MaskAnalysis(a.Analysis, $"steps[{i}] ", show) } : step)],
            Analysis = canary.Analysis is { } background ? background with { Analysis = MaskAnalysis(background.Analysis, "analysis ", show) } : null,
        },
        BlueGreenStrategy blueGreen => blueGreen with
        {
            PrePromotionAnalysis = blueGreen.PrePromotionAnalysis is { } pre ? MaskAnalysis(pre, "prePromotionAnalysis ", show) : null,
            PostPromotionAnalysis = blueGreen.PostPromotionAnalysis is { } post ? MaskAnalysis(post, "postPromotionAnalysis ", show) : null,
        },
        _ => strategy,
    };

    private static AnalysisRef MaskAnalysis(AnalysisRef analysis, string place, Func<string, string, string> show) =>
        analysis with
        {
            Args = MaskAnalysisArgs(analysis.Args, place, show),
            Metrics = MaskMetrics(analysis.Metrics, place, show),
        };

    private static List<AnalysisArg> MaskAnalysisArgs(IReadOnlyList<AnalysisArg> args, string place, Func<string, string, string> show) =>
        [.. args.Select(a => a.Value is not { } value ? a : a with
        {
            Value = IsSensitiveName(a.Name) ? show($"{place}arg {a.Name}", value) : HideUrlPasswords(value, $"{place}arg {a.Name}", show),
        })];

    private static List<MetricSpec> MaskMetrics(IReadOnlyList<MetricSpec> metrics, string place, Func<string, string, string> show) =>
        [.. metrics.Select(m => m with { Provider = MaskProvider(m.Provider, $"{place}metric {m.Name} ", show) })];

    /// <summary>Header values by the header's name (<c>Authorization</c>, <c>X-Api-Key</c>), a job's env and
    /// arguments as an application's, passwords in URLs.</summary>
    private static MetricProvider MaskProvider(MetricProvider provider, string place, Func<string, string, string> show) => provider switch
    {
        PrometheusMetricProvider prometheus => prometheus with { Address = HideUrlPasswords(prometheus.Address, $"{place}address", show) },
        HttpMetricProvider http => http with
        {
            Url = HideUrlPasswords(http.Url, $"{place}url", show),
            Headers = [.. http.Headers.Select(h => h with
            {
                Value = IsSensitiveName(h.Name) ? show($"{place}header {h.Name}", h.Value) : HideUrlPasswords(h.Value, $"{place}header {h.Name}", show),
            })],
        },
        JobMetricProvider job => job with { Env = MaskEnv(job.Env, place, show), Args = MaskArgs(job.Args, place, show) },
        _ => provider,
    };

    /// <summary>A variable from a secret (<see cref="EnvVar.SecretKeyRef"/>) has no value here to hide: it shows as the
    /// reference it is, never resolved.</summary>
    private static List<EnvVar> MaskEnv(IReadOnlyList<EnvVar> env, string place, Func<string, string, string> show) =>
        [.. env.Select(e => e.SecretKeyRef is not null ? e : e with
        {
            Value = IsSensitiveName(e.Name) ? show($"{place}env {e.Name}", e.Value) : HideUrlPasswords(e.Value, $"{place}env {e.Name}", show),
        })];

    private static List<string> MaskArgs(IReadOnlyList<string> all, string place, Func<string, string, string> show)
    {
        var args = new List<string>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            var arg = all[i];
            if (i > 0 && FlagName(all[i - 1]) is { } flag && !all[i - 1].Contains('=', StringComparison.Ordinal) && IsSensitiveName(flag) && !arg.StartsWith('-'))
            {
                args.Add(show($"{place}arg {flag}", arg));
            }
            else if (FlagName(arg) is { } name && arg.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 && IsSensitiveName(name))
            {
                args.Add(arg[..(equals + 1)] + show($"{place}arg {name}", arg[(equals + 1)..]));
            }
            else
            {
                args.Add(HideUrlPasswords(arg, $"{place}args[{i}]", show));
            }
        }

        return args;
    }

    /// <summary><c>token</c> for <c>--token</c>, <c>-token=x</c>; null for an argument that is not a flag.</summary>
    private static string? FlagName(string arg)
    {
        var name = arg.TrimStart('-');
        if (name.Length == arg.Length || name.Length == 0)
        {
            return null;
        }

        var equals = name.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? name : name[..equals];
    }

    private static string HideUrlPasswords(string value, string place, Func<string, string, string> show)
    {
        var n = 0;
        return UrlPassword().Replace(value, m => m.Groups["before"].Value + show($"{place} url{n++}", m.Groups["password"].Value) + "@");
    }

    [GeneratedRegex(@"(?<before>[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@]*:)(?<password>[^@\s/]*)@")]
    private static partial Regex UrlPassword();
}
