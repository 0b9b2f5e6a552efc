using Microsoft.Extensions.Hosting;

namespace Slipway.Sample;

/// <summary>
/// Replaces the console lifetime, whose SIGTERM handler would shut the host down: with
/// IGNORE_SIGTERM the sample models a process that only SIGKILL stops.
/// </summary>
internal sealed class IgnoreSigtermLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
