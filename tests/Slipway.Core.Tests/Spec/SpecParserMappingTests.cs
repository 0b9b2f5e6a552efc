using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>Valid specs map onto the model records, with every default filled.</summary>
public sealed class SpecParserMappingTests
{
    [Fact]
    public void Minimal_spec_takes_every_default()
    {
        var manifest = ParseOne(Minimal);

        Assert.Equal("web", manifest.Metadata.Name);
        Assert.Equal("dev", manifest.Metadata.Environment);
        Assert.Empty(manifest.Metadata.Labels);
        var spec = manifest.Spec;
        Assert.Equal(Path.Combine(BaseDirectory, "out"), spec.Template.Artifact.Path);
        Assert.Null(spec.Template.Artifact.Digest);
        Assert.Equal("dotnet", spec.Template.Command);
        Assert.Empty(spec.Template.Args);
        Assert.Empty(spec.Template.Env);
        Assert.Null(spec.Template.Port);
        Assert.Equal(ProbeSet.None, spec.Template.Probes);
        Assert.Equal(30, spec.Template.TerminationGracePeriodSeconds);
        Assert.Equal(1, spec.Replicas);
        Assert.Equal(new RouteSpec("web.dev.localhost", "/"), spec.Route);
        Assert.Equal(600, spec.ProgressDeadlineSeconds);
        Assert.Equal(10, spec.RevisionHistoryLimit);
        Assert.Equal(RollingStrategy.Default, spec.Strategy);
    }

    [Theory]
    [InlineData("revisionHistoryLimit: 3", 3)]
    [InlineData("revisionHistoryLimit: 0", 0)]
    [InlineData("revisionHistoryLimit: ~", 10)]
    public void Revision_history_limit_is_read_and_null_takes_the_default(string line, int expected)
    {
        var manifest = ParseOne(Minimal + "\n  " + line + "\n");

        Assert.Equal(expected, manifest.Spec.RevisionHistoryLimit);
    }

    [Fact]
    public void An_irreversible_release_keeps_its_reason_in_the_template_it_makes()
    {
        var manifest = ParseOne(Minimal + "\n  irreversible: {reason: drops column users.legacy_id}\n");

        Assert.Equal(new IrreversibleSpec("drops column users.legacy_id"), manifest.Spec.Template.Irreversible);
        Assert.Null(ParseOne(Minimal).Spec.Template.Irreversible);
    }

    [Fact]
    public void Full_rolling_spec_maps_every_field()
    {
        var manifest = ParseOne("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: web
              environment: prod
              labels: {team: shop, app.kubernetes.io/part-of: store, empty: }
            spec:
              artifact:
                path: ../samples/out
              command: dotnet
              args: [Slipway.Sample.dll, --urls, 8080, true]
              env:
                - name: VERSION
                  value: v1
                - name: WORKERS
                  value: 4
                - name: DEBUG
                  value: false
                - name: EMPTY
              replicas: 3
              port: 8080
              route:
                host: shop.example.localhost
                pathPrefix: /api
              probes:
                startup:
                  tcpSocket: {}
                  failureThreshold: 30
                  periodSeconds: 1
                readiness:
                  httpGet: {path: /healthz, port: 9000}
                  initialDelaySeconds: 2
                  periodSeconds: 5
                  timeoutSeconds: 2
                  failureThreshold: 4
                  successThreshold: 2
                liveness:
                  exec: {command: [sh, -c, "test -f alive"]}
              terminationGracePeriodSeconds: 10
              progressDeadlineSeconds: 120
              strategy:
                rolling: {maxSurge: 1, maxUnavailable: 0%}
            """);

        Assert.Equal("web", manifest.Metadata.Name);
        Assert.Equal("prod", manifest.Metadata.Environment);
        Assert.Equal(
            new Dictionary<string, string> { ["team"] = "shop", ["app.kubernetes.io/part-of"] = "store", ["empty"] = "" },
            manifest.Metadata.Labels);

        var template = manifest.Spec.Template;
        Assert.Equal(Path.GetFullPath(Path.Combine(BaseDirectory, "../samples/out")), template.Artifact.Path);
        Assert.Equal(["Slipway.Sample.dll", "--urls", "8080", "true"], template.Args);
        Assert.Equal(
            [new EnvVar("VERSION", "v1"), new EnvVar("WORKERS", "4"), new EnvVar("DEBUG", "false"), new EnvVar("EMPTY", "")],
            template.Env);
        Assert.Equal(8080, template.Port);
        Assert.Equal(new ProbeSpec(new TcpSocketAction(null), PeriodSeconds: 1, FailureThreshold: 30), template.Probes.Startup);
        Assert.Equal(
            new ProbeSpec(new HttpGetAction("/healthz", 9000), InitialDelaySeconds: 2, PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 4, SuccessThreshold: 2),
            template.Probes.Readiness);
        var liveness = template.Probes.Liveness!;
        Assert.Equal(["sh", "-c", "test -f alive"], Assert.IsType<ExecAction>(liveness.Action).Command);
        Assert.Equal(new ProbeSpec(liveness.Action), liveness);
        Assert.Equal(10, template.TerminationGracePeriodSeconds);

        Assert.Equal(3, manifest.Spec.Replicas);
        Assert.Equal(new RouteSpec("shop.example.localhost", "/api"), manifest.Spec.Route);
        Assert.Equal(120, manifest.Spec.ProgressDeadlineSeconds);
        Assert.Equal(new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Percent(0)), manifest.Spec.Strategy);
    }

    [Fact]
    public void Absolute_artifact_path_is_kept()
    {
        var absolute = OperatingSystem.IsWindows() ? @"D:\builds\web" : "/srv/builds/web";
        var manifest = ParseOne(Minimal.Replace("path: out", $"path: '{absolute}'"));

        Assert.Equal(absolute, manifest.Spec.Template.Artifact.Path);
    }

    [Fact]
    public void A_probe_with_only_its_action_takes_the_Kubernetes_timings()
    {
        var manifest = ParseOne(Minimal + "\n  probes:\n    readiness:\n      httpGet: {path: /healthz}\n");

        var readiness = manifest.Spec.Template.Probes.Readiness!;
        Assert.Equal(
            (0, 10, 1, 3, 1),
            (readiness.InitialDelaySeconds, readiness.PeriodSeconds, readiness.TimeoutSeconds, readiness.FailureThreshold, readiness.SuccessThreshold));
    }

    [Fact]
    public void Rolling_without_settings_is_25_percent_each()
    {
        var manifest = ParseOne(Minimal + "\n  strategy:\n    rolling: {}\n");

        Assert.Equal(RollingStrategy.Default, manifest.Spec.Strategy);
    }

    [Theory]
    [InlineData("recreate: {}")]
    [InlineData("recreate:")]
    public void Recreate_strategy(string strategy)
    {
        var manifest = ParseOne(Minimal + "\n  strategy:\n    " + strategy + "\n");

        Assert.Equal(new RecreateStrategy(), manifest.Spec.Strategy);
    }

    [Fact]
    public void Blue_green_defaults_derive_the_preview_route_from_the_names()
    {
        var manifest = ParseOne(Minimal.Replace("name: web", "name: web\n  environment: staging") + "\n  strategy:\n    blueGreen: {}\n");

        Assert.Equal(
            new BlueGreenStrategy(true, new RouteSpec("web-preview.staging.localhost", "/"), 30),
            manifest.Spec.Strategy);
    }

    [Fact]
    public void Full_blue_green_spec()
    {
        var manifest = ParseOne(Minimal + """

              strategy:
                blueGreen:
                  autoPromotionEnabled: false
                  previewRoute: {host: next.web.localhost, pathPrefix: /preview}
                  scaleDownDelaySeconds: 0
            """);

        Assert.Equal(
            new BlueGreenStrategy(false, new RouteSpec("next.web.localhost", "/preview"), 0),
            manifest.Spec.Strategy);
    }

    [Fact]
    public void Full_canary_spec_maps_every_kind_of_step()
    {
        var manifest = ParseOne(Minimal + """

              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {duration: 30s}
                    - pause: {duration: 90}
                    - pause: {duration: 1h30m}
                    - pause: {}
                    - pause:
                    - setHeaderRoute:
                        name: beta
                        match:
                          - headerName: X-Canary
                            headerValue: {exact: "yes"}
                          - headerName: User-Agent
                            headerValue: {prefix: Mozilla}
                          - headerName: Cookie
                            headerValue: {regex: "beta=(1|true)"}
                    - setHeaderRoute: {match: []}
                    - setMirror: {percentage: 20}
                    - setWeight: 100
            """);

        var canary = Assert.IsType<CanaryStrategy>(manifest.Spec.Strategy);
        Assert.Equal(10, canary.Steps.Count);
        Assert.Equal(new SetWeightStep(10), canary.Steps[0]);
        Assert.Equal(new PauseStep(TimeSpan.FromSeconds(30)), canary.Steps[1]);
        Assert.Equal(new PauseStep(TimeSpan.FromSeconds(90)), canary.Steps[2]);
        Assert.Equal(new PauseStep(TimeSpan.FromMinutes(90)), canary.Steps[3]);
        Assert.Equal(new PauseStep(null), canary.Steps[4]);
        Assert.Equal(new PauseStep(null), canary.Steps[5]);
        var headerRoute = Assert.IsType<SetHeaderRouteStep>(canary.Steps[6]);
        Assert.Equal("beta", headerRoute.Name);
        Assert.Equal(
            [
                new HeaderMatch("X-Canary", new StringMatch(Exact: "yes")),
                new HeaderMatch("User-Agent", new StringMatch(Prefix: "Mozilla")),
                new HeaderMatch("Cookie", new StringMatch(Regex: "beta=(1|true)")),
            ],
            headerRoute.Match);
        var removal = Assert.IsType<SetHeaderRouteStep>(canary.Steps[7]);
        Assert.Equal("header-route", removal.Name);
        Assert.Empty(removal.Match);
        Assert.Equal(new SetMirrorStep(20), canary.Steps[8]);
        Assert.Equal(new SetWeightStep(100), canary.Steps[9]);
    }

    [Fact]
    public void Canary_without_steps_is_valid()
    {
        var manifest = ParseOne(Minimal + "\n  strategy:\n    canary: {}\n");

        Assert.Empty(Assert.IsType<CanaryStrategy>(manifest.Spec.Strategy).Steps);
    }

    [Fact]
    public void Null_values_mean_not_set()
    {
        var manifest = ParseOne(Minimal + """

              replicas: ~
              args:
              route:
              probes: {readiness: null}
              strategy: null
            """);

        Assert.Equal(1, manifest.Spec.Replicas);
        Assert.Empty(manifest.Spec.Template.Args);
        Assert.Equal(new RouteSpec("web.dev.localhost", "/"), manifest.Spec.Route);
        Assert.Equal(ProbeSet.None, manifest.Spec.Template.Probes);
        Assert.Equal(RollingStrategy.Default, manifest.Spec.Strategy);
    }

    [Fact]
    public void Anchors_and_aliases_are_resolved()
    {
        var manifest = ParseOne(Minimal + """

              probes:
                readiness: &probe
                  httpGet: {path: /healthz}
                liveness: *probe
            """);

        Assert.Equal(manifest.Spec.Template.Probes.Readiness, manifest.Spec.Template.Probes.Liveness);
        Assert.Equal(new HttpGetAction("/healthz", null), manifest.Spec.Template.Probes.Liveness!.Action);
    }

    [Fact]
    public void Integer_forms_of_yaml_1_2_are_read()
    {
        var manifest = ParseOne(Minimal + "\n  replicas: 0x10\n  port: +8080\n");

        Assert.Equal(16, manifest.Spec.Replicas);
        Assert.Equal(8080, manifest.Spec.Template.Port);
    }
}
