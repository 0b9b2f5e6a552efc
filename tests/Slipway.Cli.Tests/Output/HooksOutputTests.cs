using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Hooks;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class HooksOutputTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 7, 46, 19, TimeSpan.Zero);

    private static readonly HookRunView Migrate = new(
        12, "migrate", "preRollout", "job dotnet", 2, At, true, "Failed", 3, 3, true, "adds column users.email_verified",
        At, At, At.AddSeconds(9), 1, null, "exit code 1", "applying 0042_email_verified\nERROR: relation users does not exist\n", null);

    private static readonly HookRunView Notify = new(
        13, "notify", "event", "POST http://127.0.0.1:9000/hooks", 2, At, true, "Succeeded", 1, 1, false, null,
        At, At, At.AddSeconds(1), null, 204, "POST http://127.0.0.1:9000/hooks answered 204 No Content", null,
        new HookEvent(41, At, 2, "HookFailed", "preRollout hook migrate failed"));

    private static HooksOutput Output(params HookRunView[] runs)
    {
        // As the CLI reads it: through the API's JSON.
        var json = JsonSerializer.Serialize(new HooksView("web", "dev", runs), SlipwayJson.Api);
        return new HooksOutput(JsonNode.Parse(json)!, JsonSerializer.Deserialize<HooksView>(json, SlipwayJson.Api)!);
    }

    [Fact]
    public void Each_run_shows_its_hook_type_revision_phase_attempts_and_result_then_the_end_of_its_output()
    {
        var text = Output(Notify, Migrate).Text(wide: false);
        var lines = text.Split('\n');
        Assert.StartsWith("RUN   HOOK      TYPE                        REVISION   PHASE       ATTEMPTS   STARTED                RESULT", lines[0], StringComparison.Ordinal);
        Assert.Equal("13    notify    event #41 HookFailed        2          Succeeded   1/1        2026-11-24 07:46:19Z   POST http://127.0.0.1:9000/hooks answered 204 No Content", lines[1]);
        Assert.Equal("12    migrate   preRollout (irreversible)   2          Failed      3/3        2026-11-24 07:46:19Z   exit code 1", lines[2]);
        Assert.Contains("run 12 (migrate), output of attempt 3:\n  applying 0042_email_verified\n  ERROR: relation users does not exist\n", text, StringComparison.Ordinal);
        Assert.Contains("irreversible hooks (a rollback cannot undo what they did):\n  migrate: adds column users.email_verified\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Wide_adds_what_each_hook_calls_and_when_it_finished_and_names_are_hook_runs()
    {
        var output = Output(Migrate);
        Assert.Contains("job dotnet", output.Text(wide: true), StringComparison.Ordinal);
        Assert.Contains("2026-11-24 07:46:28Z", output.Text(wide: true), StringComparison.Ordinal);
        Assert.Equal(["hookrun/12"], output.Names());
        Assert.Null(output.EmptyMessage);
        Assert.Equal("no hook runs for web in dev: it has no hooks, or none has run yet", Output().EmptyMessage);
    }
}
