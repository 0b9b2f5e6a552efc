using System.Text.Json;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Router;
using Slipway.Server.Reconcile;

namespace Slipway.Server.Routing;

/// <summary>
/// The router's table: each app×env's routes, set one app×env at a time, and written to the file the router loads
/// (atomically, with a new version) only when some app×env's routes changed. The file is the router's only input, so
/// the router keeps serving the last table when the controller is gone.
/// </summary>
/// <remarks>
/// Each app×env's routes are kept serialized, so a change to one app re-serializes that app only, and the file is
/// the concatenation of the pieces in app×env order — the same bytes a serialization of the whole table would give.
/// </remarks>
internal sealed class RouteTable(ServerOptions options)
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<AppKey, (string Json, int Routes)> _pieces = [];
    private long _version = -1;
    private bool _loaded;
    private bool _dirty;

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>The number of routes of the table (main and preview routes of every app×env).</summary>
    public int RouteCount { get; private set; }

    /// <summary>The endpoints the router was last told about (read at start, to re-adopt without dropping traffic).</summary>
    public IReadOnlySet<string> CurrentEndpoints()
    {
        var config = ReadExisting();
        return config.Routes.SelectMany(r => r.Backends).SelectMany(b => b.Endpoints).ToHashSet();
    }

    /// <summary>Sets the routes of one app×env (none: it gets no traffic); returns whether the table changed.</summary>
    public bool Set(AppKey key, IReadOnlyList<RouteConfig> routes)
    {
        var piece = routes.Count == 0 ? null : Serialize(routes);
        lock (_lock)
        {
            LoadOnce();
            var changed = piece is null ? _pieces.Remove(key) : !(_pieces.TryGetValue(key, out var old) && old.Json == piece);
            if (piece is not null)
            {
                _pieces[key] = (piece, routes.Count);
            }

            _dirty |= changed;
            return changed;
        }
    }

    /// <summary>The app×envs that have routes, to find those that should no longer have any.</summary>
    public IReadOnlyList<AppKey> Keys()
    {
        lock (_lock)
        {
            LoadOnce();
            return [.. _pieces.Keys];
        }
    }

    public static RouteConfig[] BuildRoutes(string app, string env, ApplicationSpec spec, TrafficPlan plan, Func<int, IReadOnlyList<string>> readyEndpoints)
    {
        var main = new RouteConfig(
            $"{app}/{env}",
            app,
            env,
            spec.Route.Host,
            spec.Route.PathPrefix,
            plan.Main.Select(w => new BackendGroup(w.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), w.Weight, readyEndpoints(w.Revision))).ToList(),
            plan.HeaderRoute is { } header && plan.HeaderRevision is int headerRevision
                ? new HeaderRouteConfig(headerRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), header.Match.Select(m => new HeaderMatchConfig(m.HeaderName, m.Value.Exact, m.Value.Prefix, m.Value.Regex)).ToList())
                : null,
            plan.Mirror is { } mirror ? new MirrorConfig(mirror.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), mirror.Percent) : null);

        // A header route or a mirror names a revision the router must know the endpoints of.
        var extra = new[] { plan.HeaderRevision, plan.Mirror?.Revision }
            .OfType<int>()
            .Where(r => plan.Main.All(w => w.Revision != r))
            .Distinct()
            .Select(r => new BackendGroup(r.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, readyEndpoints(r)));
        main = main with { Backends = main.Backends.Concat(extra).ToList() };

        if (plan.PreviewRevision is int preview && spec.Strategy is BlueGreenStrategy blueGreen)
        {
            var previewRoute = new RouteConfig(
                $"{app}/{env}/preview",
                app,
                env,
                blueGreen.PreviewRoute.Host,
                blueGreen.PreviewRoute.PathPrefix,
                [new BackendGroup(preview.ToString(System.Globalization.CultureInfo.InvariantCulture), 100, readyEndpoints(preview))]);
            return [main, previewRoute];
        }

        return [main];
    }

    /// <summary>Writes the table when it changed since the last write; returns the version the router must reach.</summary>
    public long Write()
    {
        string body;
        long version;
        lock (_lock)
        {
            LoadOnce();
            if (!_dirty)
            {
                return _version;
            }

            version = ++_version;
            _dirty = false;
            body = string.Join(",", _pieces.Values.Select(p => p.Json));
            RouteCount = _pieces.Values.Sum(p => p.Routes);
        }

        // One writer at a time (the publisher), so versions reach the file in order.
        Directory.CreateDirectory(options.RouterDirectory);
        RouterConfigFile.WriteRaw(options.RouterConfigPath, version, body);
        return version;
    }

    /// <summary>
    /// Starts from the table the router serves: its version goes on from there, and its routes stand until each
    /// app×env's first pass sets its own (so a restarted controller changes nothing it has not looked at).
    /// </summary>
    private void LoadOnce()
    {
        if (_loaded)
        {
            return;
        }

        _loaded = true;
        var existing = ReadExisting();
        _version = existing.Version;
        foreach (var group in existing.Routes.GroupBy(r => new AppKey(r.App, r.Environment)))
        {
            _pieces[group.Key] = (Serialize([.. group]), group.Count());
        }
    }

    private static string Serialize(IReadOnlyList<RouteConfig> routes) =>
        string.Join(",", routes.OrderBy(r => r.Id, StringComparer.Ordinal).Select(r => JsonSerializer.Serialize(r, RouterConfigFile.SerializerOptions)));

    private RouterConfig ReadExisting()
    {
        try
        {
            return File.Exists(options.RouterConfigPath) ? RouterConfigFile.Read(options.RouterConfigPath) : RouterConfig.Empty;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
        {
            return RouterConfig.Empty;
        }
    }
}
