using Microsoft.Extensions.Logging;
using Slipway.Local.State;
using Slipway.Local.Workloads;

namespace Slipway.Local;

/// <summary>What every instance runner of one supervisor shares.</summary>
/// <param name="Containers">Runs instances of image artifacts; null when the supervisor has no container engine.</param>
internal sealed record SupervisorContext(
    SupervisorOptions Options,
    TimeProvider Time,
    IWorkloadRuntime Processes,
    IWorkloadRuntime? Containers,
    InstanceStateStore Store,
    PortAllocator Ports,
    ILogger Logger,
    IInstanceSecrets? Secrets = null)
{
    /// <summary>The runtime of the spec's kind of artifact; null when this supervisor cannot run it (see <see cref="NoRuntimeReason"/>).</summary>
    public IWorkloadRuntime? RuntimeFor(InstanceSpec spec) => spec.Image is null ? Processes : Containers;

    /// <summary>
    /// What of the controller's environment an instance gets: a process its PATH, HOME and the like; a container
    /// nothing (its image has its own PATH, and the host's would break it).
    /// </summary>
    public IReadOnlyList<string> InheritedFor(InstanceSpec spec) => spec.Image is null ? Options.InheritedEnvironment : [];

    public string NoRuntimeReason(InstanceSpec spec) =>
        $"its artifact is the image {spec.Image}, and this server has no Docker Engine to run it (see docs/images.md: slipway server --docker-host)";
}
