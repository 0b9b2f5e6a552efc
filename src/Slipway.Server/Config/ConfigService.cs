using Slipway.Core.Config;
using Slipway.Server.Preflight;
using Slipway.Store;

namespace Slipway.Server.Config;

/// <summary>
/// The effective configuration of an app×env's desired revision (<c>slipway config</c>) and how two environments'
/// differ (<c>slipway diff APP --from dev --to prod</c>). The server reads the specs and asks the secret lookup which
/// keys are set (and at which version); Core builds what is shown (<see cref="EffectiveConfig"/>,
/// <see cref="ConfigDiff"/>), where no secret's value ever is.
/// </summary>
internal sealed class ConfigService(IStore store, PreflightRunner preflight)
{
    /// <summary>The configuration of <paramref name="app"/> in <paramref name="environment"/>; null when that app×env does not exist.</summary>
    public async Task<EffectiveConfig?> GetAsync(string app, string environment, CancellationToken ct)
    {
        if (await store.GetAppAsync(app, environment, ct) is not { } record)
        {
            return null;
        }

        var facts = await preflight.SecretFactsAsync(environment, record.Spec.Template, ct);
        return EffectiveConfig.Of(app, environment, record.DesiredRevision, record.Spec, facts);
    }
}
