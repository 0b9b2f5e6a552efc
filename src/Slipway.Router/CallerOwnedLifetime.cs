using Microsoft.Extensions.Hosting;

namespace Slipway.Router;

/// <summary>
/// The host lifetime of the server and of the router: the host stops when the caller's
/// <see cref="CancellationToken"/> is cancelled, and registers no signal handler of its own. The default console lifetime handles
/// SIGINT and SIGTERM by stopping the host alone; inside <c>slipway demo</c> that swallowed the
/// Ctrl-C meant for the whole demo. The process's signals belong to the CLI, which cancels the token.
/// </summary>
public sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
