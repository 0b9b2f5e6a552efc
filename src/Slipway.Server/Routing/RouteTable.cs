using System.Text.Json;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Router;

namespace Slipway.Server.Routing;

/// <summary>
/// Builds the router's table from every app×env's traffic plan and ready instances, and writes it
/// (atomically, with a new version) only when it changed. The file is the router's only input, so
/// the router keeps serving the last table when the controller is gone.
/// </summary>
internal sealed class RouteTable(ServerOptions options)
{
    private long _version = -1;
    private string? _lastWritten;

    public long Version => _version;

    /// <summary>The endpoints the router was last told about (read at start, to re-adopt without dropping traffic).</summary>
    public IReadOnlySet<string> CurrentEndpoints()
    {
        var config = ReadExisting();
        return config.Routes.SelectMany(r => r.Backends).SelectMany(b => b.Endpoints).ToHashSet();
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

    /// <summary>Writes the table when it differs from the last one; returns the version the router must reach.</summary>
    public long Write(IReadOnlyList<RouteConfig> routes)
    {
        if (_version < 0)
        {
            _version = ReadExisting().Version;
        }

        var body = JsonSerializer.Serialize(routes.OrderBy(r => r.Id, StringComparer.Ordinal));
        if (body == _lastWritten)
        {
            return _version;
        }

        if (_lastWritten is null && body == JsonSerializer.Serialize(ReadExisting().Routes.OrderBy(r => r.Id, StringComparer.Ordinal)))
        {
            _lastWritten = body;
            return _version;
        }

        _version++;
        Directory.CreateDirectory(options.RouterDirectory);
        RouterConfigFile.Write(options.RouterConfigPath, new RouterConfig(_version, routes));
        _lastWritten = body;
        return _version;
    }

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
