using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Store;

namespace Slipway.Server.Apply;

/// <summary>
/// Validates spec files and turns accepted ones into apps, revisions and rollouts. Everything is
/// checked before anything is saved: a file with any error changes nothing.
/// </summary>
/// <remarks>
/// Reading artifacts (checking, hashing, copying into the store) is the slow part of an apply and is bounded in size
/// and time; it happens before the control-plane lock is taken, so a large or broken artifact never holds up the
/// reconcile loop, rollout commands or other applies. Only the final checks against the saved state (routes used by
/// other apps) and the save itself run under the lock.
/// </remarks>
internal sealed class ApplyService(IStore store, ArtifactStore artifacts, ControlPlaneLock gate, TimeProvider time, Reconcile.ReconcileSignal signal, ServerOptions options)
{
    private readonly SpecValidator _validator = new(options.Artifacts, time);

    public async Task<ApplyOutcome> ApplyAsync(ApplyRequest request, bool dryRun, CancellationToken ct)
    {
        var validation = await _validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            return ApplyOutcome.Rejected(validation.Errors);
        }

        var (digests, artifactErrors) = await IngestArtifactsAsync(request, validation, copy: !dryRun, ct);
        if (artifactErrors.Count > 0)
        {
            return ApplyOutcome.Rejected(artifactErrors);
        }

        using var _ = await gate.AcquireAsync(ct);
        var errors = new List<SpecError>();
        var existing = await store.ListAppsAsync(ct);
        foreach (var manifest in validation.Manifests)
        {
            CheckRouteConflicts(request, manifest, existing, errors);
        }

        if (errors.Count > 0)
        {
            return ApplyOutcome.Rejected(errors);
        }

        var results = new List<AppliedApp>();
        var changes = new List<AppChange>();
        foreach (var manifest in validation.Manifests)
        {
            var template = manifest.Spec.Template with
            {
                Artifact = manifest.Spec.Template.Artifact with { Digest = digests[manifest.Spec.Template.Artifact.Path] },
            };
            var (applied, change) = await PlanAsync(manifest, manifest.Spec with { Template = template }, ct);
            results.Add(applied);
            if (change is not null)
            {
                changes.Add(change);
            }
        }

        // Every document of the file in one transaction: a failure saves none of them.
        if (!dryRun && changes.Count > 0)
        {
            await store.SaveAppsAsync(changes, ct);
            signal.Notify();
        }

        return ApplyOutcome.Accepted(results);
    }

    /// <summary>
    /// The digest of every artifact directory of the file and, with <paramref name="copy"/>, its read-only copy in the
    /// store — before anything is saved, as a revision must never name an artifact the store does not hold. Each
    /// artifact's pass is bounded by the time limit. Runs outside the control-plane lock.
    /// </summary>
    private async Task<(Dictionary<string, string> Digests, List<SpecError> Errors)> IngestArtifactsAsync(ApplyRequest request, SpecValidation validation, bool copy, CancellationToken ct)
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<SpecError>();
        foreach (var documents in validation.Manifests.GroupBy(m => m.Spec.Template.Artifact.Path, StringComparer.Ordinal))
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
                            await artifacts.ImportAsync(scan, digest, t);
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

            errors.AddRange(documents.Select(m => SpecValidator.ErrorAt(request, m, SpecValidator.ArtifactPath, problem)));
        }

        return (digests, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    /// <summary>Makes <paramref name="spec"/> the desired state of the app×env (see <see cref="PlanAsync"/>).</summary>
    public async Task<AppliedApp> SaveAsync(ApplicationManifest manifest, ApplicationSpec spec, CancellationToken ct, string? changeCause = null, bool fastTrack = false)
    {
        var (applied, change) = await PlanAsync(manifest, spec, ct, changeCause, fastTrack);
        if (change is not null)
        {
            await store.SaveAppsAsync([change], ct);
        }

        return applied;
    }

    /// <summary>
    /// What making <paramref name="spec"/> the desired state of the app×env changes; null when nothing does. A
    /// template seen before reuses its revision (as Kubernetes reuses a ReplicaSet); a new one gets the next number.
    /// </summary>
    private async Task<(AppliedApp Applied, AppChange? Change)> PlanAsync(ApplicationManifest manifest, ApplicationSpec spec, CancellationToken ct, string? changeCause = null, bool fastTrack = false)
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

        var events = new List<NewEvent>();
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

        var applied = new AppliedApp(app, env, number, created is not null, unchangedRevision && SlipwayJson.SameValue(current!.Spec, spec));
        return current is null || !SlipwayJson.SameValue(current.Spec, spec) || !unchangedRevision
            ? (applied, new AppChange(new AppRecord(app, env, current?.Uid ?? AppRecord.NewUid(), spec, number, current?.CreatedAt ?? now, now), created, status, events))
            : (applied, null);
    }

    private static void CheckRouteConflicts(ApplyRequest request, ApplicationManifest manifest, IReadOnlyList<AppRecord> existing, List<SpecError> errors)
    {
        foreach (var other in existing)
        {
            if (other.App == manifest.Metadata.Name && other.Environment == manifest.Metadata.Environment)
            {
                continue;
            }

            foreach (var (route, path) in Routes(manifest.Spec))
            {
                if (Routes(other.Spec).Any(r => string.Equals(r.Route.Host, route.Host, StringComparison.OrdinalIgnoreCase) && r.Route.PathPrefix == route.PathPrefix))
                {
                    // At the host when it was written; otherwise where the route (or the spec, for a default route) is.
                    var at = manifest.Source?.PositionOf(path + ".host") ?? Core.Spec.Parsing.SpecPosition.Start;
                    errors.Add(new SpecError(request.FileName, at.Line, at.Column, path, $"route {route.Host}{route.PathPrefix} is already used by app {other.App} in environment {other.Environment}"));
                }
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

public sealed record AppliedApp(string App, string Environment, int Revision, bool RevisionCreated, bool Unchanged);

public sealed record ApplyOutcome(IReadOnlyList<AppliedApp> Applied, IReadOnlyList<SpecError> Errors)
{
    public static ApplyOutcome Rejected(IReadOnlyList<SpecError> errors) => new([], errors);

    public static ApplyOutcome Accepted(IReadOnlyList<AppliedApp> applied) => new(applied, []);
}
