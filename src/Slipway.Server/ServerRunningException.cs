namespace Slipway.Server;

/// <summary>A server already runs on the data directory a second one was to use, or <c>slipway down</c> is stopping its data plane.</summary>
public sealed class ServerRunningException(string dataDirectory, RunningServer holder) : Exception(Describe(dataDirectory, holder))
{
    public int? Pid => holder.Pid;

    /// <summary>What holds the data directory's lock.</summary>
    public RunningServer Holder => holder;

    private static string Describe(string dataDirectory, RunningServer holder) => holder.IsDown
        ? $"`slipway down` ({holder}) is stopping every instance and the router of {dataDirectory}: a server started now would start them again; start it once `down` has finished"
        : $"a Slipway server ({holder}) is already running on {dataDirectory}: two servers on one data directory would each start every instance; stop it first, or give this one another --data";
}
