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
internal sealed class ApplyService(IStore store, ArtifactStore artifacts, ControlPlaneLock gate, TimeProvider time, Reconcile.ReconcileSignal signal)
{
    public async Task<ApplyOutcome> ApplyAsync(ApplyRequest request, bool dryRun, CancellationToken ct)
    {
        var parsed = SpecParser.Parse(request.Content, request.FileName, request.BaseDirectory);
        if (!parsed.IsValid)
        {
            return ApplyOutcome.Rejected(parsed.Errors);
        }

        using var _ = await gate.AcquireAsync(ct);
        var errors = new List<SpecError>();
        var existing = await store.ListAppsAsync(ct);
        var digests = new Dictionary<string, string>();
        foreach (var manifest in parsed.Manifests)
        {
            var artifact = manifest.Spec.Template.Artifact.Path;
            if (!Directory.Exists(artifact))
            {
                errors.Add(ErrorAt(request, manifest, artifact, "spec.artifact.path", $"directory '{artifact}' does not exist"));
            }
            else if (!digests.ContainsKey(artifact))
            {
                try
                {
                    digests[artifact] = await ArtifactDigest.ComputeAsync(artifact, ct);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add(ErrorAt(request, manifest, artifact, "spec.artifact.path", $"directory '{artifact}' cannot be read: {e.Message}"));
                }
            }

            CheckRouteConflicts(request, manifest, existing, errors);
        }

        if (errors.Count == 0 && !dryRun)
        {
            // Before anything is saved: a revision must never name an artifact the store does not hold.
            foreach (var manifest in parsed.Manifests.DistinctBy(m => m.Spec.Template.Artifact.Path))
            {
                var artifact = manifest.Spec.Template.Artifact.Path;
                try
                {
                    await artifacts.ImportAsync(artifact, digests[artifact], ct);
                }
                catch (Exception e) when (e is ArtifactChangedException or IOException or UnauthorizedAccessException)
                {
                    errors.Add(ErrorAt(request, manifest, artifact, "spec.artifact.path", $"directory '{artifact}' could not be copied: {e.Message}"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return ApplyOutcome.Rejected(errors);
        }

        var results = new List<AppliedApp>();
        var changes = new List<AppChange>();
        foreach (var manifest in parsed.Manifests)
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
                    errors.Add(ErrorAt(request, manifest, route.Host, path, $"route {route.Host}{route.PathPrefix} is already used by app {other.App} in environment {other.Environment}"));
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

    /// <summary>Points an error found after parsing at the line that holds the offending value (or the document's first line).</summary>
    private static SpecError ErrorAt(ApplyRequest request, ApplicationManifest manifest, string value, string path, string message)
    {
        var lines = request.Content.Split('\n');
        var nameLine = Array.FindIndex(lines, l => l.Contains($"name: {manifest.Metadata.Name}", StringComparison.Ordinal));
        var valueText = Path.GetFileName(value.TrimEnd('/'));
        var line = Array.FindIndex(lines, Math.Max(0, nameLine), l => valueText.Length > 0 && l.Contains(valueText, StringComparison.Ordinal));
        line = line >= 0 ? line : Math.Max(0, nameLine);
        return new SpecError(request.FileName, line + 1, 1, path, message);
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

public sealed record ApplyRequest(string FileName, string Content, string BaseDirectory);

public sealed record AppliedApp(string App, string Environment, int Revision, bool RevisionCreated, bool Unchanged);

public sealed record ApplyOutcome(IReadOnlyList<AppliedApp> Applied, IReadOnlyList<SpecError> Errors)
{
    public static ApplyOutcome Rejected(IReadOnlyList<SpecError> errors) => new([], errors);

    public static ApplyOutcome Accepted(IReadOnlyList<AppliedApp> applied) => new(applied, []);
}
