namespace Slipway.Core.Config;

/// <summary>
/// One env variable of an app×env's instances as <c>slipway config</c> shows it: never a secret's value, and a plain
/// value only when <see cref="Spec.Diff.SensitiveValues"/> does not take it for a secret.
/// </summary>
/// <param name="Value">A plain value as shown (masked when <paramref name="Sensitive"/>); for Slipway's own variables the
/// value when it is the same for every instance (<c>SLIPWAY_APP</c>); null for a secret's, and for those set per instance.</param>
/// <param name="Sensitive">The value is hidden, wholly or in part (a URL's password).</param>
/// <param name="Secret">The secret key it comes from, for <see cref="ConfigSource.Secret"/>.</param>
/// <param name="Note">For Slipway's own variables, what they hold (<c>the instance's port</c>).</param>
public sealed record EnvSetting(string Name, ConfigSource Source, string? Value, bool Sensitive, SecretSetting? Secret, string? Note = null);

/// <summary>A secret key an env variable comes from: its version (the one the revision pins, or the newest), and whether
/// it is set in the environment at all.</summary>
public sealed record SecretSetting(string Name, string Key, int? Version, bool Found)
{
    /// <summary><c>(secret db/url, version 3)</c>, or <c>(secret db/url, not set)</c>: how a secret's value is shown.</summary>
    public string Shown => Found && Version is { } version ? $"(secret {Name}/{Key}, version {version})" : $"(secret {Name}/{Key}, not set)";
}
