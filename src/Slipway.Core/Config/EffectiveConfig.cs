using System.Globalization;
using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;

namespace Slipway.Core.Config;

/// <summary>
/// The configuration an app×env's instances get from its desired revision: what <c>slipway config</c> shows
/// (<see cref="View"/>), and what <see cref="ConfigDiff"/> compares between two environments. Not a document: the plain
/// values it compares stay inside Core, and only <see cref="View"/>, where sensitive ones are masked, goes out.
/// </summary>
public sealed class EffectiveConfig
{
    /// <summary>The variables Slipway sets for every instance, last, over anything of the same name (Local's InstanceEnvironment).</summary>
    public static readonly IReadOnlyList<string> SlipwayNames = ["PORT", "SLIPWAY_APP", "SLIPWAY_ENV", "SLIPWAY_REVISION", "SLIPWAY_INSTANCE"];

    private EffectiveConfig(ConfigView view, IReadOnlyDictionary<string, string> plainValues)
    {
        View = view;
        PlainValues = plainValues;
    }

    public ConfigView View { get; }

    /// <summary>The spec's plain values by name, unmasked: compared, never shown.</summary>
    internal IReadOnlyDictionary<string, string> PlainValues { get; }

    /// <param name="facts">The secrets the template refers to, as found in <paramref name="environment"/> (their
    /// versions are shown, their values judged by the preflight checks of <c>requiredEnv</c>).</param>
    public static EffectiveConfig Of(string app, string environment, int revision, ApplicationSpec spec, PreflightFacts facts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(facts);
        var masked = SensitiveValues.Mask(spec).Template.Env;
        var env = spec.Template.Env;
        var settings = new List<EnvSetting>();
        var plain = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++)
        {
            var variable = env[i];
            if (SlipwayNames.Contains(variable.Name, StringComparer.Ordinal))
            {
                continue; // Slipway's own value wins (a spec cannot set PORT; older specs may have set the others)
            }

            if (variable.SecretKeyRef is { } reference)
            {
                var found = facts.SecretOf(reference);
                settings.Add(new EnvSetting(variable.Name, ConfigSource.Secret, null, true, new SecretSetting(reference.Name, reference.Key, reference.Version ?? found?.Version, found is not null)));
                plain.Remove(variable.Name);
                continue;
            }

            var shown = masked[i].Value;
            settings.Add(new EnvSetting(variable.Name, ConfigSource.Value, shown, shown != variable.Value, null));
            plain[variable.Name] = variable.Value;
        }

        // A name set twice (not from the parser, which refuses it) keeps its last setting, as the process would.
        settings = [.. settings.Where((s, i) => settings.FindLastIndex(o => o.Name == s.Name) == i)];
        settings.Add(new EnvSetting("PORT", ConfigSource.Slipway, null, false, null, "the instance's port, chosen when it starts"));
        settings.Add(new EnvSetting("SLIPWAY_APP", ConfigSource.Slipway, app, false, null));
        settings.Add(new EnvSetting("SLIPWAY_ENV", ConfigSource.Slipway, environment, false, null));
        settings.Add(new EnvSetting("SLIPWAY_REVISION", ConfigSource.Slipway, revision.ToString(CultureInfo.InvariantCulture), false, null));
        settings.Add(new EnvSetting("SLIPWAY_INSTANCE", ConfigSource.Slipway, null, false, null, "the instance's id"));

        var checks = PreflightChecks.Run(app, environment, spec, facts with { Artifact = ArtifactFact.NotChecked });
        var required = spec.RequiredEnv
            .Select(name => checks.Errors.FirstOrDefault(e => e.Name == name && e.Check is PreflightCheck.RequiredEnvMissing or PreflightCheck.RequiredEnvPlaceholder) is { } problem
                ? new RequiredEnvStatus(name, false, problem.Message)
                : new RequiredEnvStatus(name, true, null))
            .ToList();
        return new EffectiveConfig(new ConfigView(app, environment, revision, settings, required), plain);
    }
}
