using System.Text.Json;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;

namespace Slipway.Store.Tests.Support;

/// <summary>Specs, revisions and statuses that exercise every shape the store must keep.</summary>
internal static class StoreSamples
{
    /// <summary>A template with all three kinds of probe action, args and env.</summary>
    public static InstanceTemplate Template(string version = "v1") => new(
        new ArtifactRef("/srv/web/out", "sha256:" + new string('a', 64)),
        "dotnet",
        ["Slipway.Sample.dll", "--verbose"],
        [new EnvVar("VERSION", version), new EnvVar("CACHE_SIZE", "512")],
        8080,
        new ProbeSet(
            new ProbeSpec(new TcpSocketAction(null), PeriodSeconds: 1, FailureThreshold: 30),
            new ProbeSpec(new HttpGetAction("/healthz", 9090), InitialDelaySeconds: 2, PeriodSeconds: 5),
            new ProbeSpec(new ExecAction(["./check", "--live"]), TimeoutSeconds: 4, FailureThreshold: 5)),
        45);

    /// <summary>A canary strategy with every kind of step.</summary>
    public static CanaryStrategy Canary() => new(
    [
        new SetHeaderRouteStep("beta", [new HeaderMatch("X-Canary", new StringMatch(Exact: "yes")), new HeaderMatch("User-Agent", new StringMatch(Regex: "^curl/"))]),
        new PauseStep(null),
        new SetMirrorStep(20),
        new PauseStep(TimeSpan.FromMinutes(2)),
        new SetWeightStep(10),
        new PauseStep(TimeSpan.FromSeconds(90)),
        new SetWeightStep(100),
    ]);

    public static StrategySpec Strategy(string name) => name switch
    {
        "recreate" => new RecreateStrategy(),
        "rolling" => new RollingStrategy(IntOrPercent.Count(1), IntOrPercent.Percent(0)),
        "blueGreen" => new BlueGreenStrategy(false, new RouteSpec("web-preview.prod.localhost", "/beta"), 12),
        "canary" => Canary(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown strategy"),
    };

    public static ApplicationSpec Spec(InstanceTemplate? template = null, int replicas = 3, StrategySpec? strategy = null) => new(
        template ?? Template(),
        replicas,
        new RouteSpec("web.prod.localhost", "/"),
        600,
        strategy ?? Canary());

    public static AppRecord App(string app = "web", string env = "prod", ApplicationSpec? spec = null, int desiredRevision = 1, DateTimeOffset? at = null) =>
        new(app, env, "uid-" + app + "-" + env, spec ?? Spec(), desiredRevision, at ?? TemporaryStore.Start, at ?? TemporaryStore.Start);

    public static RevisionRecord Revision(int number, string app = "web", string env = "prod", InstanceTemplate? template = null, string cause = "first revision") =>
        new(app, env, number, template ?? Template("v" + number), "hash-" + number, cause, TemporaryStore.Start.AddMinutes(number));

    /// <summary>A status in the middle of a canary: every optional field set.</summary>
    public static RolloutStatus MidCanary() => new()
    {
        StableRevision = 1,
        UpdatedRevision = 2,
        Phase = RolloutPhase.Paused,
        Reason = Reasons.CanaryPauseStep,
        Message = "paused at step 2",
        CurrentStepIndex = 2,
        CanaryWeight = 10,
        HeaderRoute = new HeaderRoutePlan("beta", [new HeaderMatch("X-Canary", new StringMatch(Prefix: "y"))]),
        MirrorPercent = 20,
        PauseStartedAt = TemporaryStore.Start.AddSeconds(30),
        PromoteRequested = true,
        PausedByUser = true,
        Generation = 7,
        Progress = new RolloutProgress(2, 1, TemporaryStore.Start.AddSeconds(31)),
        StableHistory = [1],
        PreviousStableRevision = 1,
        ScaleDownAt = TemporaryStore.Start.AddMinutes(5),
        RestartedAt = TemporaryStore.Start.AddHours(-1),
        StartedAt = TemporaryStore.Start,
        Conditions = [new RolloutCondition("Available", true, "MinimumReplicasAvailable", "3 of 3 ready", TemporaryStore.Start)],
    };

    /// <summary>Records compare lists by reference; the serialised form compares everything by value.</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SlipwayJson.Options);
}
