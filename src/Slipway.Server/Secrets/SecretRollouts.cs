using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Store;

namespace Slipway.Server.Secrets;

/// <summary>
/// A changed secret reaches the apps that use it: every app×env of the secret's environment whose desired spec refers
/// to a key whose value changed gets a new revision, its references to those keys pinned to the new versions, rolled
/// out by the app's strategy like any change (<see cref="ApplyService.SaveAsync"/>). No hash to bump by hand. A new
/// revision that fails the preflight checks (a required name whose new value is a placeholder) is not made: the app
/// keeps running what it runs, and the answer says why.
/// </summary>
/// <remarks>
/// A new revision is a new rollout, so the error budget gates it as it gates an apply: an app×env burning its budget too
/// fast keeps its revision, and the answer names it; the next apply (with <c>--override-error-budget</c> if need be)
/// pins the new value.
/// </remarks>
internal sealed partial class SecretRollouts(IStore store, ControlPlaneLock gate, WorkQueue queue, ApplyService apply, ISecretLookup secrets, ILogger<SecretRollouts> logger, Slo.ErrorBudgetService? errorBudget = null)
{
    public async Task<SecretRolloutOutcome> RollOutAsync(SecretChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (environment, name) = (change.Secret.Environment, change.Secret.Name);
        var changed = change.Changed.ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0)
        {
            return SecretRolloutOutcome.None;
        }

        bool Uses(SecretKeyRef reference) => reference.Name == name && changed.Contains(reference.Key);
        var rolled = new List<AppliedApp>();
        var refused = new List<string>();
        foreach (var candidate in await store.ListAppsAsync(ct))
        {
            if (candidate.Environment != environment || !candidate.Spec.Template.Env.Any(e => e.SecretKeyRef is { } r && Uses(r)))
            {
                continue;
            }

            var key = new AppKey(candidate.App, environment);
            using (await gate.AcquireAsync(key, ct))
            {
                // Read again under the lock: an apply or an undo may have changed it since the list.
                if (await store.GetAppAsync(candidate.App, environment, ct) is not { } record)
                {
                    continue;
                }

                var (template, missing) = await SecretPins.PinAsync(secrets, environment, record.Spec.Template, ct, Uses);
                if (missing.Count > 0 || SlipwayJson.SameValue(template, record.Spec.Template))
                {
                    continue;
                }

                var keys = template.Env.Where(e => e.SecretKeyRef is { } r && Uses(r)).Select(e => e.SecretKeyRef!.Key).Distinct().Order(StringComparer.Ordinal).ToList();
                var cause = $"secret {name} changed ({(keys.Count == 1 ? "key" : "keys")} {string.Join(", ", keys)})";
                var checks = await apply.Preflight.CheckRevisionAsync(record.App, environment, record.Spec with { Template = template }, ct);
                if (checks.Refused)
                {
                    refused.Add(checks.Message!);
                    Log.NotRollingOut(logger, record.App, environment, cause);
                    continue;
                }

                if (errorBudget is not null && await errorBudget.CheckAsync(record, null, ct) is { Allowed: false } decision)
                {
                    refused.Add(Core.Slo.ErrorBudgetGate.Refusal([decision.Burning!], "The rollout was not started.", $"slipway apply -f … -e {environment}"));
                    Log.NotRollingOut(logger, record.App, environment, cause);
                    continue;
                }

                var manifest = new ApplicationManifest(new ApplicationMetadata(record.App, environment, new Dictionary<string, string>()), record.Spec);
                var applied = await apply.SaveAsync(manifest, record.Spec with { Template = template }, ct, changeCause: cause);
                rolled.Add(applied);
                Log.RollingOut(logger, record.App, environment, applied.Revision, cause);
            }

            queue.Add(key);
        }

        return new SecretRolloutOutcome(rolled, refused);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "App {App} in {Environment}: revision {Revision} rolling out ({Cause})")]
        public static partial void RollingOut(ILogger logger, string app, string environment, int revision, string cause);

        [LoggerMessage(2, LogLevel.Warning, "App {App} in {Environment}: not rolled out ({Cause}): the preflight checks or the error budget refuse the new revision")]
        public static partial void NotRollingOut(ILogger logger, string app, string environment, string cause);
    }
}

/// <summary>What a secret change rolled out, and the apps it did not, each with why (the preflight checks' message).</summary>
internal sealed record SecretRolloutOutcome(IReadOnlyList<AppliedApp> RolledOut, IReadOnlyList<string> Refused)
{
    public static readonly SecretRolloutOutcome None = new([], []);
}
