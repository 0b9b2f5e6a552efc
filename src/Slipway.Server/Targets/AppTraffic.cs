using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Server.Targets;

/// <summary>Where one app×env's traffic goes: its routes (from the spec), the plan, and per revision the instances that may serve.</summary>
/// <param name="Serving">Per revision, the ids of the instances that may receive requests: ready, and not about to be stopped.</param>
internal sealed record AppTraffic(
    string App,
    string Environment,
    ApplicationSpec Spec,
    TrafficPlan Plan,
    IReadOnlyDictionary<int, IReadOnlyList<string>> Serving);
