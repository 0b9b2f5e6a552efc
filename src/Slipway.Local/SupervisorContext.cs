using Microsoft.Extensions.Logging;
using Slipway.Local.Processes;
using Slipway.Local.State;

namespace Slipway.Local;

/// <summary>What every instance runner of one supervisor shares.</summary>
internal sealed record SupervisorContext(
    SupervisorOptions Options,
    TimeProvider Time,
    ProcessLauncher Launcher,
    InstanceStateStore Store,
    PortAllocator Ports,
    ILogger Logger,
    IInstanceSecrets? Secrets = null);
