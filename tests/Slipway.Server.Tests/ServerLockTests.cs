using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests;

/// <summary>
/// One lock per data directory, held by its server or by <c>slipway down</c> while it stops the data plane: a server
/// cannot start (and start again what <c>down</c> stops) until <c>down</c> has finished, and <c>down</c> does not run
/// under a server.
/// </summary>
public sealed class ServerLockTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public void While_down_holds_the_lock_a_server_refuses_to_start_and_says_why()
    {
        using (ServerLock.AcquireForDown(_data.Path))
        {
            Assert.Equal(new RunningServer(Environment.ProcessId, IsDown: true), ServerLock.Holder(_data.Path));

            var e = Assert.Throws<ServerRunningException>(() => ServerLock.Acquire(_data.Path));
            Assert.True(e.Holder.IsDown);
            Assert.Equal(
                $"`slipway down` (pid {Environment.ProcessId}) is stopping every instance and the router of {_data.Path}: "
                + "a server started now would start them again; start it once `down` has finished",
                e.Message);
        }

        // Once down has finished, the server starts.
        Assert.Null(ServerLock.Holder(_data.Path));
        using var server = ServerLock.Acquire(_data.Path);
        Assert.Equal(new RunningServer(Environment.ProcessId), ServerLock.Holder(_data.Path));
    }

    [Fact]
    public async Task A_server_started_while_down_runs_refuses_to_start()
    {
        using var down = ServerLock.AcquireForDown(_data.Path);

        var e = await Assert.ThrowsAsync<ServerRunningException>(() => ServerHost.RunAsync(new ServerOptions(_data.Path), CancellationToken.None));

        Assert.True(e.Holder.IsDown);
    }

    [Fact]
    public async Task Down_does_not_run_while_a_server_holds_the_data_directory()
    {
        Directory.CreateDirectory(new ServerOptions(_data.Path).RouterDirectory); // a data directory a server has used
        using var server = ServerLock.Acquire(_data.Path);

        var e = await Assert.ThrowsAsync<ServerRunningException>(() => DataPlane.DownAsync(_data.Path, CancellationToken.None));

        Assert.False(e.Holder.IsDown);
        Assert.Equal(Environment.ProcessId, e.Pid);
    }

    public void Dispose() => _data.Dispose();
}
