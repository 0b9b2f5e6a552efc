namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// Whether a version is affected by one <see cref="OsvAffected"/>, by the OSV schema's evaluation: listed in
/// <c>versions</c>, or inside a range. A range's events are sorted by version ("introduced: 0" first) and walked
/// upwards; each event at or below the version decides: introduced ⇒ affected, fixed ⇒ not, last_affected below the
/// version ⇒ not. A <c>limit</c> ends the range for versions at or above it. Ranges of type SEMVER are ordered by
/// SemVer whatever the ecosystem; ECOSYSTEM ranges by the ecosystem's own rules.
/// </summary>
internal static class AffectedVersions
{
    /// <summary>The outcome: affected or not, the lowest fixed version above the version (null when none is known),
    /// and a problem when a range could not be read (a version the scheme cannot parse).</summary>
    internal readonly record struct Outcome(bool Affected, string? Fixed, string? Problem);

    public static Outcome Evaluate(OsvAffected affected, IVersionScheme scheme, string version)
    {
        string? problem = null;
        var fixedAbove = new List<(IComparable Parsed, string Text)>();
        var hit = false;
        if (affected.Versions.Contains(version, StringComparer.Ordinal))
        {
            hit = true;
        }

        foreach (var range in affected.Ranges)
        {
            var rangeScheme = range.Type == OsvRangeType.Semver ? SemanticVersion.Scheme : scheme;
            if (!rangeScheme.TryParse(version, out var current))
            {
                problem ??= $"version {version} is not a valid {(range.Type == OsvRangeType.Semver ? "SemVer" : "ecosystem")} version";
                continue;
            }

            var events = new List<(OsvEvent Event, IComparable? Parsed)>();
            foreach (var e in range.Events)
            {
                if (e.Kind == OsvEventKind.Introduced && e.Version == "0")
                {
                    events.Add((e, null)); // below every version
                }
                else if (rangeScheme.TryParse(e.Version, out var parsed))
                {
                    events.Add((e, parsed));
                }
                else
                {
                    problem ??= $"{e.Kind} version '{e.Version}' is not a valid version";
                    events.Clear();
                    break;
                }
            }

            if (events.Count == 0)
            {
                continue;
            }

            events.Sort((a, b) => a.Parsed is null ? (b.Parsed is null ? 0 : -1) : b.Parsed is null ? 1 : a.Parsed.CompareTo(b.Parsed));
            var inRange = false;
            foreach (var (e, parsed) in events)
            {
                var cmp = parsed is null ? 1 : current.CompareTo(parsed);
                switch (e.Kind)
                {
                    case OsvEventKind.Introduced when cmp >= 0:
                        inRange = true;
                        break;
                    case OsvEventKind.Fixed when cmp >= 0:
                        inRange = false;
                        break;
                    case OsvEventKind.LastAffected when cmp > 0:
                        inRange = false;
                        break;
                }
            }

            if (events.Any(e => e.Event.Kind == OsvEventKind.Limit && e.Parsed is not null && current.CompareTo(e.Parsed) >= 0))
            {
                inRange = false;
            }

            if (inRange)
            {
                hit = true;
                fixedAbove.AddRange(events
                    .Where(e => e.Event.Kind == OsvEventKind.Fixed && e.Parsed is not null && current.CompareTo(e.Parsed) < 0)
                    .Select(e => (e.Parsed!, e.Event.Version)));
            }
        }

        var fix = fixedAbove.Count == 0 ? null : fixedAbove.MinBy(f => f.Parsed, Comparer<IComparable>.Create((a, b) => a.CompareTo(b))).Text;
        return new Outcome(hit, hit ? fix : null, problem);
    }
}
