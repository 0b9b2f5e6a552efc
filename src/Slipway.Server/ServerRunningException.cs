namespace Slipway.Server;

/// <summary>A server already runs on the data directory a second one was to use.</summary>
public sealed class ServerRunningException(string dataDirectory, int? pid)
    : Exception($"a Slipway server ({new RunningServer(pid)}) is already running on {dataDirectory}: two servers on one data directory would each start every instance; stop it first, or give this one another --data")
{
    public int? Pid => pid;
}
