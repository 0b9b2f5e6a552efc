using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Preflight;
using Slipway.Server.Reconcile;
using Slipway.Server.Secrets;
using Slipway.Server.Slo;
using Slipway.Store;

using Slipway.Oci;
using Slipway.Server.Images;

namespace Slipway.Server.Apply;

/// <summary>
/// Validates spec files and turns accepted ones into apps, revisions and rollouts. Everything is
/// checked before anything is saved: files applied together are one unit, and an error in any of them changes nothing.
/// Also answers what an apply would change (<see cref="DiffAsync"/>).
/// </summary>
/// <remarks>
/// Reading artifacts (checking, hashing, copying into the store) is the slow part of an apply and is bounded in size
/// and time; it happens before any lock is taken, so a large or broken artifact never holds up reconcile passes,
/// rollout commands or other applies. Only the final checks against the saved state (routes used by other apps) and
/// the save itself run one apply at a time, under the control-plane locks of the app×envs the apply saves.
/// </remarks>
/// <remarks>
/// Before anything is saved, every document whose apply starts a rollout passes the preflight checks
/// (<see cref="PreflightRunner"/>): an error refuses the whole apply, at the line to fix; warnings come with the answer.
/// </remarks>
/// <param name="secrets">Where secret references are pinned (see <see cref="SecretPins"/>).</param>
/// <param name="images">Pins image artifacts: a tag resolved to its digest, a digest checked to be in its registry.</param>
/// <param name="errorBudget">The gate on new rollouts while an error budget burns too fast; none without.</param>
internal sealed class ApplyService(
    IStore store, ArtifactStore artifacts, ControlPlaneLock gate, TimeProvider time, WorkQueue queue, ServerOptions options, PreflightRunner preflight, ISecretLookup secrets,
    IImageResolver images, ErrorBudgetService? errorBudget = null)
{
    private readonly SpecValidator _validator = new(options.Artifacts, time);

    /// <summary>The preflight checks this service runs; without a secret store given, no secret is set.</summary>
    public PreflightRunner Preflight { get; } = preflight;

    // Applies check their routes against every saved app, so they go one at a time; reconcile passes and commands
    // only wait for the app×envs an apply saves (their own locks).
    private readonly SemaphoreSlim _applies = new(1, 1);

    public async Task<ApplyOutcome> ApplyAsync(ApplyRequest request, bool dryRun, CancellationToken ct)
    {
        var (plans, templates, policies, errors, refusal) = await PlanAsync(request, save: !dryRun, ct);
        return refusal is not null ? ApplyOutcome.Refused(refusal)
            : errors.Count > 0 ? ApplyOutcome.Rejected(errors)
            : ApplyOutcome.Accepted([.. plans.Select(p => p.Applied)], templates) with { Policies = policies, Warnings = Warnings(plans) };
    }

    /// <summary>
    /// What applying <paramref name="request"/> would change, per app×env, against the spec the server holds: the same
    /// checks as a dry run (the same errors, nothing saved or copied), then a masked diff of each spec.
    /// </summary>
    public async Task<DiffOutcome> DiffAsync(ApplyRequest request, CancellationToken ct)
    {
        var (plans, _, _, errors, _) = await PlanAsync(request, save: false, ct);
        return errors.Count > 0 ? DiffOutcome.Rejected(errors) : DiffOutcome.Compared([.. plans.Select(AppDiff.Of)]) with { Warnings = Warnings(plans) };
    }

    /// <summary>
    /// Validates every file of the request as one unit, reads (and with <paramref name="save"/> copies) the artifacts,
    /// then, under the control-plane lock, checks the routes against the saved apps and plans each document — saving
    /// every change in one transaction with <paramref name="save"/>. Any error anywhere: the errors, and nothing saved.
    /// </summary>
    private async Task<(IReadOnlyList<AppPlan> Plans, IReadOnlyList<string> Templates, IReadOnlyList<string> Policies, IReadOnlyList<SpecError> Errors, ErrorBudgetRefusal? Refusal)> PlanAsync(ApplyRequest request, bool save, CancellationToken ct)
    {
        var validation = await _validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            return ([], [], [], validation.Errors, null);
        }

        // The copies stay out of reach of the artifact collection until the revisions naming them are saved.
        using var uses = new ArtifactUses();
        var (digests, artifactErrors) = await IngestArtifactsAsync(request, validation, copy: save, uses, ct);
        if (artifactErrors.Count > 0)
        {
            return ([], [], [], artifactErrors, null);
        }

        await _applies.WaitAsync(ct);
        try
        {
            var keys = validation.Manifests.Select(m => new AppKey(m.Metadata.Name, m.Metadata.Environment));
            using var _ = await gate.AcquireAsync(keys, ct);
            var (plans, errors, refusal) = await PlanLockedAsync(request, validation, digests, save, ct);
            var accepted = errors.Count == 0 && refusal is null;
            return (plans, accepted ? [.. validation.Templates.Select(t => t.Name)] : [], accepted ? [.. validation.Policies.Select(p => p.Name)] : [], errors, refusal);
        }
        finally
        {
            _applies.Release();
        }
    }

    private async Task<(IReadOnlyList<AppPlan> Plans, IReadOnlyList<SpecError> Errors, ErrorBudgetRefusal? Refusal)> PlanLockedAsync(
        ApplyRequest request, SpecValidation validation, Dictionary<string, string> digests, bool save, CancellationToken ct)
    {
        var errors = new List<SpecError>();
        var routes = RouteOwners.Of(await store.ListAppsAsync(ct));
        foreach (var manifest in validation.Manifests)
        {
            CheckRouteConflicts(manifest, routes, errors);
        }

        // Templates an app refers to: those applied with it, else those the server holds.
        var templates = (await store.ListTemplatesAsync(ct)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var template in validation.Templates)
        {
            templates[template.Name] = template;
        }

        foreach (var manifest in validation.Manifests)
        {
            errors.AddRange(AnalysisResolver.Check(manifest, templates));
        }

        // The signing keys image policies name: each must be one this server holds.
        if (validation.Policies.Any(p => p.Signatures is not null))
        {
            var keys = (await store.ListSigningKeysAsync(ct)).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(ImagePolicies.UnknownKeys(validation.Policies, keys));
        }

        // Every secret reference pinned to its key's current version before the template is hashed; every one that does
        // not resolve is an error at its valueFrom.
        var pinned = new List<InstanceTemplate>();
        foreach (var manifest in validation.Manifests)
        {
            var environment = manifest.Metadata.Environment;
            var (template, missing) = await SecretPins.PinAsync(secrets, environment, manifest.Spec.Template, ct);
            errors.AddRange(missing.Select(i => SpecValidator.ErrorAt(manifest, $"spec.env[{i}].valueFrom", SecretPins.Problem(secrets, environment, template.Env[i].SecretKeyRef!))));
            pinned.Add(template);
        }

        if (errors.Count > 0)
        {
            return ([], SpecValidator.InFileOrder(request.AllFiles(), errors), null);
        }

        var plans = new List<AppPlan>();
        foreach (var (manifest, pinnedTemplate) in validation.Manifests.Zip(pinned))
        {
            var template = pinnedTemplate with
            {
                Artifact = pinnedTemplate.Artifact with { Digest = digests[ArtifactKey(pinnedTemplate.Artifact)] },
            };
            plans.Add(await PlanAsync(manifest, manifest.Spec with { Template = template }, ct));
        }

        plans = [.. plans.Select(p => GuardRollback(p, request.Force, errors))];

        // Before anything is saved: the preflight checks of every app×env whose apply starts a rollout.
        for (var i = 0; i < plans.Count; i++)
        {
            if (plans[i].Applied.RolloutStarted)
            {
                var result = await Preflight.CheckAppliedAsync(plans[i].Applied.App, plans[i].Applied.Environment, plans[i].Spec, ct);
                errors.AddRange(result.SpecErrors(plans[i].Manifest.Source));
                plans[i] = plans[i] with { Preflight = result };
            }
        }

        if (errors.Count > 0)
        {
            return ([], SpecValidator.InFileOrder(request.AllFiles(), errors), null);
        }

        if (save && errorBudget is not null)
        {
            var (refusal, gated) = await GateAsync(plans, request.OverrideErrorBudget, ct);
            if (refusal is not null)
            {
                return ([], [], refusal);
            }

            plans = gated;
        }

        // Every document of every file in one transaction: a failure saves none of them.
        var changes = plans.Select(p => p.Change).OfType<AppChange>().ToList();
        if (save && (changes.Count > 0 || validation.Templates.Count > 0 || validation.Policies.Count > 0))
        {
            await store.SaveAppsAsync(changes, validation.Templates, validation.Policies, ct);
            foreach (var change in changes)
            {
                queue.Add(new AppKey(change.App.App, change.App.Environment));
            }
        }

        return (plans, [], null);
    }

    /// <summary>
    /// The error-budget gate of an apply (<see cref="ErrorBudgetService"/>): every app×env whose plan starts a rollout
    /// of a revision while an alert of its SLOs fires is refused, and then the whole apply, which is one unit. With an
    /// override, the plans it lets through carry its event.
    /// </summary>
    private async Task<(ErrorBudgetRefusal? Refusal, List<AppPlan> Plans)> GateAsync(List<AppPlan> plans, Core.Slo.ErrorBudgetOverride? @override, CancellationToken ct)
    {
        var blocked = new List<ErrorBudgetBlock>();
        var gated = new List<AppPlan>(plans.Count);
        foreach (var plan in plans)
        {
            if (!plan.Applied.RolloutStarted || plan.Current is null || plan.Change is not { } change)
            {
                gated.Add(plan);
                continue;
            }

            var decision = await errorBudget!.CheckAsync(plan.Current, @override, ct);
            if (!decision.Allowed)
            {
                blocked.Add(new ErrorBudgetBlock(plan.Applied.App, plan.Applied.Environment, decision.Burning!));
            }

            gated.Add(decision.OverrideEvent is { } overridden
                ? plan with { Change = change with { Events = [.. change.Events, new NewEvent(plan.Applied.Revision, Reasons.ErrorBudgetOverridden, overridden)] } }
                : plan);
        }

        if (blocked.Count == 0)
        {
            return (null, gated);
        }

        var notDone = blocked.Count == 1 ? "The rollout was not started: nothing was applied." : "Their rollouts were not started: nothing was applied.";
        return (new ErrorBudgetRefusal(Core.Slo.ErrorBudgetGate.Refusal([.. blocked.Select(b => b.Burning)], notDone, "slipway apply …"), blocked), gated);
    }

    /// <summary>
    /// The digest of every artifact of the files, by <see cref="ArtifactKey"/>: of a directory, with its read-only copy
    /// in the store when <paramref name="copy"/>; of an image, what its tag points at in its registry (or its digest,
    /// found there) — before anything is saved, as a revision must never name an artifact that is not there. Each
    /// directory's pass is bounded by the time limit. Runs outside the control-plane lock.
    /// </summary>
    private async Task<(Dictionary<string, string> Digests, IReadOnlyList<SpecError> Errors)> IngestArtifactsAsync(ApplyRequest request, SpecValidation validation, bool copy, ArtifactUses uses, CancellationToken ct)
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<SpecError>();
        foreach (var documents in validation.Manifests.Where(m => m.Spec.Template.Artifact.IsImage).GroupBy(m => m.Spec.Template.Artifact.Image!, StringComparer.Ordinal))
        {
            var resolution = await images.ResolveAsync(ImageReference.Parse(documents.Key), ct);
            if (resolution.Digest is { } digest)
            {
                digests[documents.Key] = digest.ToString();
            }
            else
            {
                errors.AddRange(documents.Select(m => SpecValidator.ErrorAt(m, SpecValidator.ImagePath, resolution.Problem!)));
            }
        }

        foreach (var documents in validation.Manifests.Where(m => !m.Spec.Template.Artifact.IsImage).GroupBy(m => m.Spec.Template.Artifact.Path!, StringComparer.Ordinal))
        {
            var path = documents.Key;
            var scan = validation.Artifacts[path];
            string? problem;
            try
            {
                digests[path] = await ArtifactTimeout.RunAsync(
                    async t =>
                    {
                        var digest = await ArtifactDigest.ComputeAsync(scan, t);
                        if (copy)
                        {
                            await artifacts.ImportAsync(scan, digest, uses, t);
                        }

                        return digest;
                    },
                    options.Artifacts.Timeout,
                    time,
                    ct);
                continue;
            }
            catch (TimeoutException)
            {
                problem = $"reading and copying directory '{path}' took longer than {DurationParser.Format(options.Artifacts.Timeout)}, the limit (slipway server --artifact-timeout): is it on a slow or hung file system?";
            }
            catch (Exception e) when (e is ArtifactChangedException or IOException or UnauthorizedAccessException)
            {
                problem = $"directory '{path}' could not be {(copy ? "copied" : "read")}: {e.Message}";
            }

            errors.AddRange(documents.Select(m => SpecValidator.ErrorAt(m, SpecValidator.ArtifactPath, problem)));
        }

        return (digests, SpecValidator.InFileOrder(request.AllFiles(), errors));
    }

    /// <summary>What an artifact's digest is found under: an image's reference, a directory's path.</summary>
    private static string ArtifactKey(ArtifactRef artifact) => artifact.Image ?? artifact.Path!;

    /// <summary>Makes <paramref name="spec"/> the desired state of the app×env (see <see cref="PlanAsync(ApplicationManifest, ApplicationSpec, CancellationToken, string?, bool, IReadOnlyList{NewEvent}?)"/>).</summary>
    /// <param name="recorded">Events recorded before the rollout's own (a forced rollback's).</param>
    public async Task<AppliedApp> SaveAsync(ApplicationManifest manifest, ApplicationSpec spec, CancellationToken ct, string? changeCause = null, bool fastTrack = false, IReadOnlyList<NewEvent>? recorded = null)
    {
        var plan = await PlanAsync(manifest, spec, ct, changeCause, fastTrack, recorded);
        if (plan.Change is not null)
        {
            await store.SaveAppsAsync([plan.Change], ct);
        }

        return plan.Applied;
    }

    /// <summary>
    /// What making <paramref name="spec"/> the desired state of the app×env changes (the plan's change is null when
    /// nothing does), with what the server held before. A template seen before reuses its revision (as Kubernetes reuses a ReplicaSet); a new one gets the next number.
    /// </summary>
    private async Task<AppPlan> PlanAsync(ApplicationManifest manifest, ApplicationSpec spec, CancellationToken ct, string? changeCause = null, bool fastTrack = false, IReadOnlyList<NewEvent>? recorded = null)
    {
        var app = manifest.Metadata.Name;
        var env = manifest.Metadata.Environment;
        var now = time.GetUtcNow();
        var current = await store.GetAppAsync(app, env, ct);
        var revisions = await store.ListRevisionsAsync(app, env, ct);
        var status = await store.GetStatusAsync(app, env, ct);
        var hash = TemplateHash(spec.Template);
        var match = revisions.LastOrDefault(r => r.TemplateHash == hash);

        RevisionRecord? created = null;
        var number = match?.Number ?? (revisions.Count == 0 ? 1 : revisions[^1].Number + 1);
        if (match is null)
        {
            created = new RevisionRecord(app, env, number, spec.Template, hash, changeCause ?? DescribeChange(revisions.LastOrDefault()?.Template, spec.Template), now);
        }

        var events = new List<NewEvent>(recorded ?? []);
        var unchangedRevision = current is not null && current.DesiredRevision == number && status.UpdatedRevision == number;
        if (!unchangedRevision)
        {
            var started = RolloutCommands.StartRevision(status, number, now, created?.ChangeCause, fastTrack);
            status = started.Status!;
            events.Add(new NewEvent(started.Event!.Revision, started.Event.Reason, started.Event.Message));
        }
        else if (!SlipwayJson.SameValue(current!.Spec, spec))
        {
            status = status.NextGeneration(); // a status shown before the reconciler saw this spec is not current
            events.Add(new NewEvent(number, Reasons.SpecUpdated, "spec updated (replicas, route, strategy or deadline); same revision"));
        }

        var applied = new AppliedApp(app, env, number, created is not null, unchangedRevision && SlipwayJson.SameValue(current!.Spec, spec), RolloutStarted: !unchangedRevision);
        var change = current is null || !SlipwayJson.SameValue(current.Spec, spec) || !unchangedRevision
            ? new AppChange(new AppRecord(app, env, current?.Uid ?? AppRecord.NewUid(), spec, number, current?.CreatedAt ?? now, now), created, status, events)
            : null;
        // Rolling out an older revision again by applying its spec (a git revert) is a rollback like undo.
        var past = match is not null && applied.RolloutStarted ? IrreversibleChange.PastOf(status, number) : [];
        return new AppPlan(manifest, spec, current, applied, change) { RollsBackPast = past };
    }

    /// <summary>
    /// An apply that rolls out an older revision past an irreversible change is refused (an error at the document's
    /// name) unless forced; forced, the change records who and why before the rollout's own event.
    /// </summary>
    private static AppPlan GuardRollback(AppPlan plan, RollbackOverride? force, List<SpecError> errors)
    {
        if (plan.RollsBackPast.Count == 0)
        {
            return plan;
        }

        if (force is null)
        {
            var at = plan.Manifest.Source?.PositionOf("metadata.name") ?? Core.Spec.Parsing.SpecPosition.Start;
            var refusal = $"{plan.Manifest.Metadata.Name}/{plan.Manifest.Metadata.Environment}: this spec is revision {plan.Applied.Revision}'s: applying it rolls back; "
                + IrreversibleChange.Refusal(plan.Applied.Revision, plan.RollsBackPast);
            errors.Add(new SpecError(plan.Manifest.Source?.FileName ?? "(spec)", at.Line, at.Column, "metadata.name", refusal));
            return plan;
        }

        var forced = IrreversibleChange.ForcedEvent(plan.Applied.Revision, plan.RollsBackPast, force);
        return plan with { Change = plan.Change! with { Events = [new NewEvent(forced.Revision, forced.Reason, forced.Message), .. plan.Change.Events] } };
    }

    /// <summary>The preflight warnings of the plans, at the lines they are about, file by file.</summary>
    private static IReadOnlyList<ApplyWarning> Warnings(IReadOnlyList<AppPlan> plans) =>
        [.. plans.SelectMany(p => p.Preflight is { } result
            ? result.SpecWarnings(p.Manifest.Source).Select(w => new ApplyWarning(p.Applied.App, p.Applied.Environment, w.File, w.Line, w.Column, w.Path, w.Message))
            : [])];

    private static void CheckRouteConflicts(ApplicationManifest manifest, RouteOwners routes, List<SpecError> errors)
    {
        foreach (var (route, path) in Routes(manifest.Spec))
        {
            if (routes.OwnerOf(route) is { } other && (other.App != manifest.Metadata.Name || other.Environment != manifest.Metadata.Environment))
            {
                // At the host when it was written; otherwise where the route (or the spec, for a default route) is.
                var at = manifest.Source?.PositionOf(path + ".host") ?? Core.Spec.Parsing.SpecPosition.Start;
                errors.Add(new SpecError(manifest.Source?.FileName ?? "(spec)", at.Line, at.Column, path, $"route {route.Host}{route.PathPrefix} is already used by app {other.App} in environment {other.Environment}"));
            }
        }
    }

    internal static IEnumerable<(RouteSpec Route, string Path)> Routes(ApplicationSpec spec)
    {
        yield return (spec.Route, "spec.route");
        if (spec.Strategy is BlueGreenStrategy blueGreen)
        {
            yield return (blueGreen.PreviewRoute, "spec.strategy.blueGreen.previewRoute");
        }
    }

    private static string TemplateHash(InstanceTemplate template) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(template, SlipwayJson.Options))));

    private static string DescribeChange(InstanceTemplate? previous, InstanceTemplate next)
    {
        if (previous is null)
        {
            return "first revision";
        }

        var changes = new List<string>();
        if (previous.Artifact != next.Artifact)
        {
            changes.Add("artifact");
        }

        if (previous.Command != next.Command || !previous.Args.SequenceEqual(next.Args))
        {
            changes.Add("command/args");
        }

        if (!previous.Env.SequenceEqual(next.Env))
        {
            var changed = next.Env.Where(e => !previous.Env.Contains(e)).Select(e => e.Name)
                .Concat(previous.Env.Where(e => next.Env.All(n => n.Name != e.Name)).Select(e => e.Name))
                .Distinct();
            changes.Add("env " + string.Join(", ", changed));
        }

        if (!SlipwayJson.SameValue(previous.Probes, next.Probes) || previous.Port != next.Port || previous.TerminationGracePeriodSeconds != next.TerminationGracePeriodSeconds)
        {
            changes.Add("probes/port/grace period");
        }

        return changes.Count == 0 ? "template changed" : "changed " + string.Join("; ", changes);
    }
}

/// <summary>What applying did (or, in a dry run, would do) to one app×env: the apply and validate answers.</summary>
/// <param name="Revision">The revision the app×env runs or rolls out after the apply.</param>
/// <param name="RevisionCreated">The template is new: <paramref name="Revision"/> was created.</param>
/// <param name="Unchanged">Nothing changed at all.</param>
/// <param name="RolloutStarted">A rollout of <paramref name="Revision"/> started: a new revision, or an earlier one whose
/// template the spec has again. False when only replicas, route, strategy or deadlines changed.</param>
public sealed record AppliedApp(string App, string Environment, int Revision, bool RevisionCreated, bool Unchanged, bool RolloutStarted = false);

/// <summary>One document's plan: the spec with its artifact digest, what the server held, and what saving changes.</summary>
internal sealed record AppPlan(ApplicationManifest Manifest, ApplicationSpec Spec, AppRecord? Current, AppliedApp Applied, AppChange? Change)
{
    /// <summary>The irreversible changes applying this spec rolls back past (it rolls out an older revision again).</summary>
    public IReadOnlyList<IrreversibleChange> RollsBackPast { get; init; } = [];

    /// <summary>The preflight checks of the release the plan starts; null when it starts none.</summary>
    public Core.Preflight.PreflightResult? Preflight { get; init; }
}

public sealed record ApplyOutcome(IReadOnlyList<AppliedApp> Applied, IReadOnlyList<SpecError> Errors)
{
    public static ApplyOutcome Rejected(IReadOnlyList<SpecError> errors) => new([], errors);

    /// <summary>Refused whole because an error budget burns too fast where a rollout would start.</summary>
    public static ApplyOutcome Refused(ErrorBudgetRefusal refusal) => new([], []) { ErrorBudget = refusal };

    public static ApplyOutcome Accepted(IReadOnlyList<AppliedApp> applied, IReadOnlyList<string> templates) => new(applied, []) { Templates = templates };

    /// <summary>Why the apply was refused by the error budget; null when it was not.</summary>
    public ErrorBudgetRefusal? ErrorBudget { get; init; }

    /// <summary>The names of the analysis templates applied (saved, or with a dry run checked).</summary>
    public IReadOnlyList<string> Templates { get; init; } = [];

    /// <summary>The names of the image policies applied (saved, or with a dry run checked).</summary>
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>What the preflight checks advise against without refusing it (no readiness probe), per document.</summary>
    public IReadOnlyList<ApplyWarning> Warnings { get; init; } = [];
}
