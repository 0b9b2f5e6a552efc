using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class AppsOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 22, 10, 5, TimeSpan.Zero);

    private static readonly AppSummary Web = new("web", "dev", "Paused", 1, 2, 3, 3, "http://web.dev.localhost:8080/", "canary", 1, 4, new WeightsView(90, 10), 2, Now.AddHours(-3).AddMinutes(-5));

    private static readonly AppSummary Api = new("api", "prod", "Healthy", 4, null, 2, 2, "http://api.prod.localhost:8080/", "rolling", 0, 0, new WeightsView(100, 0), 4, Now.AddDays(-5));

    [Fact]
    public void Text_shows_one_environment_without_an_env_column()
    {
        var text = Printer.Render(OutputFormat.Text, AppsOutput.Create(new JsonArray(), [Web], "dev", Now));

        Assert.Equal(
            """
            APP   PHASE    STABLE   CANARY   READY   AGE
            web   Paused   1        2        3/3     3h5m

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void All_environments_add_an_env_column_first_and_sort_by_environment_then_name()
    {
        var lines = Printer.Render(OutputFormat.Text, AppsOutput.Create(new JsonArray(), [Web, Api], null, Now)).Split('\n');

        Assert.StartsWith("ENV    APP   PHASE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("dev    web", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("prod   api", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("5d", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Wide_adds_strategy_step_weights_revisions_and_url()
    {
        var lines = Printer.Render(OutputFormat.Wide, AppsOutput.Create(new JsonArray(), [Web, Api], null, Now)).Split('\n');

        Assert.Equal(["ENV", "APP", "PHASE", "STABLE", "CANARY", "READY", "AGE", "STRATEGY", "STEP", "WEIGHTS", "REVISIONS", "URL"], Cells(lines[0]));
        Assert.Equal(["dev", "web", "Paused", "1", "2", "3/3", "3h5m", "canary", "2/4", "90/10", "2", "http://web.dev.localhost:8080/"], Cells(lines[1]));
        Assert.Equal(["prod", "api", "Healthy", "4", "-", "2/2", "5d", "rolling", "-", "100/0", "4", "http://api.prod.localhost:8080/"], Cells(lines[2]));
    }

    [Fact]
    public void Name_is_one_app_slash_name_line_per_app()
    {
        Assert.Equal("app/web\napp/api\n", Printer.Render(OutputFormat.Name, AppsOutput.Create(new JsonArray(), [Web, Api], null, Now)));
    }

    [Fact]
    public void No_apps_is_said_on_stderr_in_text_and_wide_and_is_an_empty_list_in_json()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Printer.Print(OutputFormat.Text, AppsOutput.Create(new JsonArray(), [], "staging", Now), stdout, stderr);
        Assert.Equal("", stdout.ToString());
        Assert.Equal("No apps found in staging.", stderr.ToString().TrimEnd());

        using var all = new StringWriter();
        Printer.Print(OutputFormat.Wide, AppsOutput.Create(new JsonArray(), [], null, Now), stdout, all);
        Assert.Equal("No apps found.", all.ToString().TrimEnd());

        Assert.Equal("[]\n", Printer.Render(OutputFormat.Json, AppsOutput.Create(new JsonArray(), [], "dev", Now)));
        Assert.Equal("", Printer.Render(OutputFormat.Name, AppsOutput.Create(new JsonArray(), [], "dev", Now)));
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
