using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests;

/// <summary>Stopping a data directory's data plane finishes whatever of the directory is left.</summary>
public sealed class DataPlaneTests
{
    [Fact]
    public async Task Stopping_a_data_directory_whose_router_directory_is_gone_stops_what_is_left_and_does_not_throw()
    {
        using var temp = new TemporaryDirectory();
        var data = temp.Combine("data");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(new ServerOptions(data).StorePath, ""); // a store: the directory holds Slipway data

        var stopped = await DataPlane.StopAllAsync(data, CancellationToken.None);

        Assert.Equal(0, stopped.Instances);
        Assert.False(stopped.Router);
    }
}
