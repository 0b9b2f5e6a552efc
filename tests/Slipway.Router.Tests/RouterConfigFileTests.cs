namespace Slipway.Router.Tests;

public sealed class RouterConfigFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "slipway-router-config-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_table_round_trips_as_camel_case_json_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_directory, "nested", "router.json");
        var config = new RouterConfig(4, [
            new RouteConfig("web/prod", "web", "prod", "web.test", "/",
                [new BackendGroup("1", 90, ["127.0.0.1:5001"]), new BackendGroup("2", 10, ["127.0.0.1:5002"])],
                new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", Exact: "1")]),
                new MirrorConfig("2", 5)),
        ]);

        RouterConfigFile.Write(path, config);
        RouterConfigFile.Write(path, config with { Version = 5 });

        var text = File.ReadAllText(path);
        Assert.Contains("\"pathPrefix\"", text);
        Assert.Contains("\"headerRoute\"", text);
        var read = RouterConfigFile.Read(path);
        Assert.Equal(5, read.Version);
        var route = Assert.Single(read.Routes);
        Assert.Equal("web.test", route.Host);
        Assert.Equal(["127.0.0.1:5002"], route.Backends[1].Endpoints);
        Assert.Equal("1", route.HeaderRoute!.Matches[0].Exact);
        Assert.Equal(5, route.Mirror!.Percent);
        Assert.Equal(["router.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("{\"version\":1}", "routes")]
    [InlineData("{\"version\":1,\"routes\":[{\"id\":\"a\",\"app\":\"a\",\"environment\":\"e\",\"pathPrefix\":\"/\"}]}", "backends")]
    [InlineData("{\"version\":1,\"routes\":[{\"id\":\"a\",\"app\":\"a\",\"environment\":\"e\",\"pathPrefix\":\"/\",\"backends\":[{\"revision\":\"1\",\"weight\":-1,\"endpoints\":[]}]}]}", "weight")]
    [InlineData("{\"version\":1,\"routes\":[{\"id\":\"a\",\"app\":\"a\",\"environment\":\"e\",\"pathPrefix\":\"/\",\"backends\":[],\"mirror\":{\"revision\":\"1\",\"percent\":101}}]}", "percent")]
    [InlineData("[1,2", "JSON")]
    public void An_invalid_table_is_rejected_with_the_field_named(string json, string field)
    {
        var error = Assert.Throws<InvalidDataException>(() => RouterConfigFile.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains(field, error.Message);
    }
}
