namespace Slipway.Core.Config;

/// <summary>
/// How two environments' effective configuration of one app differs (<c>slipway diff APP --from dev --to prod</c>,
/// <c>GET /api/v1/apps/{app}/config-diff</c>): names missing on either side first — the difference that breaks a
/// release — then names whose value differs, then <c>requiredEnv</c>. Never a secret's value: two secret-backed names
/// are compared by the key they refer to, and a name from the same key in both is listed as not compared.
/// </summary>
/// <param name="Missing">Names set on one side only, as "Missing in prod: …" (<see cref="To"/>'s first).</param>
/// <param name="Different">Names set on both sides to different values or different secret keys.</param>
/// <param name="SecretsInBoth">Names from the same secret key in both: their values are not compared.</param>
/// <param name="RequiredEnv">Names required on one side only, or satisfied on one side only.</param>
/// <param name="Same">Names set to the same plain value on both sides.</param>
public sealed record ConfigDiff(
    string App,
    string From,
    string To,
    int FromRevision,
    int ToRevision,
    IReadOnlyList<ConfigMissing> Missing,
    IReadOnlyList<ConfigDifference> Different,
    IReadOnlyList<ConfigDifference> SecretsInBoth,
    IReadOnlyList<ConfigDifference> RequiredEnv,
    IReadOnlyList<string> Same)
{
    /// <summary>Nothing differs (secret values aside, which are not compared).</summary>
    public bool Equal => Missing.Count == 0 && Different.Count == 0 && RequiredEnv.Count == 0;

    /// <summary>Compares the env of <paramref name="from"/> with that of <paramref name="to"/>; Slipway's own variables are left out (they differ by design).</summary>
    public static ConfigDiff Compare(EffectiveConfig from, EffectiveConfig to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var (f, t) = (from.View, to.View);
        var fromEnv = Settings(f);
        var toEnv = Settings(t);

        var missing = new List<ConfigMissing>();
        if (fromEnv.Keys.Where(n => !toEnv.ContainsKey(n)).ToList() is { Count: > 0 } missingInTo)
        {
            missing.Add(new ConfigMissing(t.Environment, missingInTo));
        }

        if (toEnv.Keys.Where(n => !fromEnv.ContainsKey(n)).ToList() is { Count: > 0 } missingInFrom)
        {
            missing.Add(new ConfigMissing(f.Environment, missingInFrom));
        }

        var different = new List<ConfigDifference>();
        var secrets = new List<ConfigDifference>();
        var same = new List<string>();
        foreach (var (name, a) in fromEnv)
        {
            if (!toEnv.TryGetValue(name, out var b))
            {
                continue;
            }

            if (a.Secret is { } sa && b.Secret is { } sb)
            {
                if (sa.Name == sb.Name && sa.Key == sb.Key)
                {
                    secrets.Add(new ConfigDifference(name, $"{name}: from secret {sa.Name}/{sa.Key} in both (values not compared)"));
                }
                else
                {
                    different.Add(new ConfigDifference(name, $"{name}: from secret {sa.Name}/{sa.Key} in {f.Environment}, from secret {sb.Name}/{sb.Key} in {t.Environment}"));
                }

                continue;
            }

            if (a.Secret is null && b.Secret is null)
            {
                if (from.PlainValues[name] == to.PlainValues[name])
                {
                    same.Add(name);
                }
                else
                {
                    different.Add(new ConfigDifference(name, a.Sensitive || b.Sensitive
                        ? $"{name}: (value differs)"
                        : $"{name}: '{a.Value}' in {f.Environment}, '{b.Value}' in {t.Environment}"));
                }

                continue;
            }

            different.Add(new ConfigDifference(name, $"{name}: {Describe(a)} in {f.Environment}, {Describe(b)} in {t.Environment}"));
        }

        return new ConfigDiff(f.App, f.Environment, t.Environment, f.Revision, t.Revision, missing, different, secrets, CompareRequired(f, t), same);
    }

    private static List<ConfigDifference> CompareRequired(ConfigView from, ConfigView to)
    {
        var a = from.RequiredEnv.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var b = to.RequiredEnv.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var differences = new List<ConfigDifference>();
        foreach (var name in a.Keys.Concat(b.Keys.Where(n => !a.ContainsKey(n))))
        {
            var (inFrom, inTo) = (a.GetValueOrDefault(name), b.GetValueOrDefault(name));
            var summary = (inFrom, inTo) switch
            {
                ({ } x, null) => $"{name}: required in {from.Environment} only" + Unsatisfied(x, from.Environment),
                (null, { } y) => $"{name}: required in {to.Environment} only" + Unsatisfied(y, to.Environment),
                ({ Satisfied: true }, { Satisfied: false } y) => $"{name}: required in both, not satisfied in {to.Environment} ({y.Problem})",
                ({ Satisfied: false } x, { Satisfied: true }) => $"{name}: required in both, not satisfied in {from.Environment} ({x.Problem})",
                _ => null,
            };
            if (summary is not null)
            {
                differences.Add(new ConfigDifference(name, summary));
            }
        }

        return differences;
    }

    private static string Unsatisfied(RequiredEnvStatus status, string environment) =>
        status.Satisfied ? "" : $", and not satisfied there ({status.Problem})";

    /// <summary>One side when the other is of another kind: a secret by its key, a plain value as shown (masked when sensitive).</summary>
    private static string Describe(EnvSetting setting) =>
        setting.Secret is { } secret ? $"from secret {secret.Name}/{secret.Key}"
        : setting.Sensitive ? "a sensitive value (hidden)"
        : $"'{setting.Value}'";

    /// <summary>The names of <paramref name="view"/> other than Slipway's, in the order they are set.</summary>
    private static OrderedDictionary<string, EnvSetting> Settings(ConfigView view)
    {
        var settings = new OrderedDictionary<string, EnvSetting>(StringComparer.Ordinal);
        foreach (var setting in view.Env.Where(s => s.Source != ConfigSource.Slipway))
        {
            settings[setting.Name] = setting;
        }

        return settings;
    }
}

/// <summary>Names set in the other environment and not in <see cref="Environment"/>: "Missing in prod: SMTP_HOST".</summary>
public sealed record ConfigMissing(string Environment, IReadOnlyList<string> Names);

/// <summary>One name's difference, said in a line (never a secret's value; a sensitive plain value only as "(value differs)").</summary>
public sealed record ConfigDifference(string Name, string Summary);
