using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Spec input as kubectl users type it, through the real <c>slipway</c> binary against one real server: <c>-f -</c>,
/// <c>-f DIR</c>, <c>-f</c> repeated, all or nothing; <c>-e</c> never ignored; <c>apply --dry-run</c> and <c>diff</c>
/// change nothing; <c>diff</c>'s exit codes, its output, and secrets never shown. Apps run no instances
/// (<c>replicas: 0</c>) — what is tested is what the server holds — and each test has its own app names.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CliSpecInputTests(CliSpecInputTests.Server server) : IClassFixture<CliSpecInputTests.Server>
{
    private SlipwayCluster Cluster => server.Cluster;

    [Fact]
    public async Task Apply_reads_standard_input_naming_it_in_errors_and_resolving_artifact_paths_against_the_current_directory()
    {
        var work = Directory.CreateDirectory(Path.Combine(Cluster.DataDirectory, "stdin-work")).FullName;
        var relative = Path.GetRelativePath(work, Paths.SampleDirectory);

        var (exit, stdout, stderr) = await CliAsync(Spec("piped", artifact: relative), work, "apply", "-f", "-");

        // The relative path named the sample's directory from the working directory: nothing else exists there.
        Assert.True(exit == 0, stderr);
        Assert.Contains("piped (dev) revision 1 created", stdout);
        Assert.Single((await HistoryAsync("piped", "dev"))["revisions"]!.AsArray());

        (exit, _, stderr) = await CliAsync(Spec("piped2", extra: "\n  port: many"), work, "apply", "-f", "-");

        Assert.Equal(1, exit);
        Assert.Contains("<stdin>:11:9: spec.port: expected an integer", stderr);
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.Api.GetAsync("api/v1/apps/piped2/dev")).StatusCode);
    }

    [Fact]
    public async Task Apply_takes_every_yaml_file_of_a_directory_its_subdirectories_with_R_and_repeated_f()
    {
        var dir = Path.Combine(Cluster.DataDirectory, "dir-specs");
        Directory.CreateDirectory(Path.Combine(dir, "more"));
        File.WriteAllText(Path.Combine(dir, "b-one.yaml"), Spec("dir-one"));
        File.WriteAllText(Path.Combine(dir, "a-two.yml"), Spec("dir-two"));
        File.WriteAllText(Path.Combine(dir, "README.md"), "not a spec: left alone");
        File.WriteAllText(Path.Combine(dir, "more", "three.yaml"), Spec("dir-three"));
        var four = Cluster.WriteSpec("dir-four.yaml", Spec("dir-four"));

        var (exit, stdout, stderr) = await Cluster.CliAsync("apply", "-f", dir, "-f", four);

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            ["dir-two (dev) revision 1 created; rolling out", "dir-one (dev) revision 1 created; rolling out", "dir-four (dev) revision 1 created; rolling out"],
            Lines(stdout));
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.Api.GetAsync("api/v1/apps/dir-three/dev")).StatusCode);

        (exit, stdout, stderr) = await Cluster.CliAsync("apply", "-R", "-f", dir);

        Assert.True(exit == 0, stderr);
        Assert.Contains("dir-three (dev) revision 1 created; rolling out", stdout);
        Assert.Contains("dir-one (dev) unchanged at revision 1", stdout);

        var empty = Directory.CreateDirectory(Path.Combine(Cluster.DataDirectory, "dir-empty")).FullName;
        (exit, _, stderr) = await Cluster.CliAsync("apply", "-f", empty);
        Assert.Equal(1, exit);
        Assert.Contains($"error: {empty}: no *.yaml or *.yml file in this directory (-R looks in its subdirectories too)", stderr);
    }

    [Fact]
    public async Task One_bad_file_among_three_changes_nothing_and_every_error_of_it_is_reported()
    {
        var one = Cluster.WriteSpec("unit-one.yaml", Spec("unit-one"));
        var bad = Cluster.WriteSpec("unit-bad.yaml", Spec("unit-bad", extra: "\n  port: http\n  colour: blue"));
        var three = Cluster.WriteSpec("unit-three.yaml", Spec("unit-one")); // also a duplicate of unit-one

        var (exit, stdout, stderr) = await Cluster.CliAsync("apply", "-f", one, "-f", bad, "-f", three);

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Equal(
            [
                $"{bad}:11:9: spec.port: expected an integer, got string 'http'",
                $"{bad}:12:3: spec.colour: unknown field 'colour'",
                $"{three}:4:9: metadata.name: duplicate application unit-one/dev: also defined at {one}:4",
                "3 error(s); nothing was applied",
            ],
            Lines(stderr).Select(l => l.Split(" (expected", 2)[0]));
        var apps = await Cluster.Api.GetStringAsync("api/v1/apps");
        Assert.DoesNotContain("unit-", apps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E_selects_the_environment_of_documents_without_one_and_refuses_one_naming_another_in_every_command()
    {
        var api = Cluster.WriteSpec("env-api.yaml", Spec("env-api"));

        var (exit, stdout, stderr) = await Cluster.CliAsync("apply", "-f", api, "-e", "prod");

        Assert.True(exit == 0, stderr);
        Assert.Contains("env-api (prod) revision 1 created", stdout);
        Assert.Equal(HttpStatusCode.OK, (await Cluster.Api.GetAsync("api/v1/apps/env-api/prod")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.Api.GetAsync("api/v1/apps/env-api/dev")).StatusCode);

        var staging = Cluster.WriteSpec("env-web.yaml", Spec("env-web", environment: "staging"));
        string[][] commands = [["apply"], ["apply", "--dry-run"], ["validate"], ["diff"]];
        foreach (var command in commands)
        {
            (exit, _, stderr) = await Cluster.CliAsync([.. command, "-f", api, "-f", staging, "-e", "prod"]);

            Assert.True(exit == (command[0] == "diff" ? 2 : 1), $"{string.Join(' ', command)}: exit {exit}: {stderr}");
            Assert.Contains($"{staging}:5:16: metadata.environment: is 'staging', but environment 'prod' was requested (-e)", stderr);
        }

        var apps = await Cluster.Api.GetStringAsync("api/v1/apps");
        Assert.DoesNotContain("env-web", apps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_dry_run_says_what_apply_would_do_and_changes_nothing()
    {
        await Cluster.CliAsync("apply", "-f", Cluster.WriteSpec("dry-web.yaml", Spec("dry-web")));
        await Cluster.WaitForStatusAsync("dry-web", s => s.Phase == "Healthy", "dry-web healthy");
        var app = await AppAsync("dry-web", "dev");
        var history = await HistoryAsync("dry-web", "dev");
        var changed = Cluster.WriteSpec("dry-web.yaml", Spec("dry-web", version: "v2"));
        var api = Cluster.WriteSpec("dry-api.yaml", Spec("dry-api"));

        var (exit, stdout, stderr) = await Cluster.CliAsync("apply", "--dry-run", "-f", changed, "-f", api);

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            ["dry-web (dev): revision 2 would be created and rolled out", "dry-api (dev): revision 1 would be created and rolled out", "dry run: nothing was changed"],
            Lines(stdout));
        Assert.Equal(app.ToJsonString(), (await AppAsync("dry-web", "dev")).ToJsonString());
        Assert.Equal(history.ToJsonString(), (await HistoryAsync("dry-web", "dev")).ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await Cluster.Api.GetAsync("api/v1/apps/dry-api/dev")).StatusCode);

        (exit, stdout, stderr) = await Cluster.CliAsync("apply", "--dry-run=server", "-f", Cluster.WriteSpec("dry-web-same.yaml", Spec("dry-web")));
        Assert.True(exit == 0, stderr);
        Assert.Contains("dry-web (dev): unchanged at revision 1", stdout);
    }

    [Fact]
    public async Task Diff_exits_0_without_differences_1_with_them_and_2_on_an_error_and_shows_an_env_change_as_a_unified_diff()
    {
        var file = Cluster.WriteSpec("diff-web.yaml", Spec("diff-web"));
        await Cluster.CliAsync("apply", "-f", file);
        var history = await HistoryAsync("diff-web", "dev");

        var (exit, stdout, stderr) = await Cluster.CliAsync("diff", "-f", file);

        Assert.True(exit == 0, stderr);
        Assert.Equal(["diff-web (dev): unchanged at revision 1"], Lines(stdout));

        File.WriteAllText(file, Spec("diff-web", version: "v2"));
        (exit, stdout, stderr) = await Cluster.CliAsync("diff", "-f", file);

        Assert.True(exit == 1, stderr);
        Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal); // not a terminal: no colour
        var lines = Lines(stdout);
        Assert.Equal("diff-web (dev): the template changed: revision 2 would be created and rolled out (now at revision 1)", lines[0]);
        Assert.Equal(["--- diff-web (dev) on the server, revision 1", $"+++ diff-web (dev) in {file}"], lines[1..3]);
        Assert.Matches(@"^@@ -\d+,\d+ \+\d+,\d+ @@$", lines[3]);
        Assert.Equal(["-      value: v1", "+      value: v2"], lines[4..].Where(l => l[0] is '-' or '+'));
        Assert.Contains("     - name: VERSION", lines);
        Assert.Equal(history.ToJsonString(), (await HistoryAsync("diff-web", "dev")).ToJsonString());

        (exit, _, stderr) = await Cluster.CliAsync("diff", "-f", Cluster.WriteSpec("diff-bad.yaml", Spec("diff-bad", extra: "\n  port: -1")));
        Assert.Equal(2, exit);
        Assert.Contains("diff-bad.yaml:11:9: spec.port: must be between 1 and 65535, got -1", stderr);
        (exit, _, stderr) = await Cluster.CliAsync("diff", "-f", Path.Combine(Cluster.DataDirectory, "no-such.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("no-such.yaml: cannot read", stderr);
    }

    [Fact]
    public async Task Diff_never_shows_a_secret_value_and_says_that_it_changed()
    {
        const string Old = "old-s3cret-value";
        const string New = "new-s3cret-value";
        var file = Cluster.WriteSpec("secret-web.yaml", Spec("secret-web", password: Old));
        await Cluster.CliAsync("apply", "-f", file);
        File.WriteAllText(file, Spec("secret-web", password: New));

        var (exit, stdout, stderr) = await Cluster.CliAsync("diff", "-f", file);

        Assert.True(exit == 1, stderr);
        Assert.Equal(["-      value: (sensitive value hidden)", "+      value: (sensitive value changed)"], Lines(stdout)[4..].Where(l => l[0] is '-' or '+'));
        Assert.DoesNotContain(Old, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(New, stdout + stderr, StringComparison.Ordinal);

        // The API answer itself carries no secret either.
        var (status, answer) = await PostAsync("api/v1/diff", new JsonObject { ["fileName"] = file, ["content"] = File.ReadAllText(file), ["baseDirectory"] = Cluster.DataDirectory });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("(sensitive value changed)", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(Old, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(New, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_takes_one_file_or_several_and_refuses_a_body_that_is_neither_with_a_400()
    {
        var two = new JsonObject
        {
            ["files"] = new JsonArray(
                new JsonObject { ["fileName"] = "api-a.yaml", ["content"] = Spec("api-a"), ["baseDirectory"] = "/" },
                new JsonObject { ["fileName"] = "api-b.yaml", ["content"] = Spec("api-a"), ["baseDirectory"] = "/" }),
        };
        var both = new JsonObject { ["fileName"] = "x.yaml", ["content"] = Spec("api-x"), ["baseDirectory"] = "/", ["files"] = new JsonArray() };
        var misspelt = new JsonObject { ["file"] = "x.yaml", ["content"] = Spec("api-x"), ["baseDirectory"] = "/" };

        var (duplicate, duplicateBody) = await PostAsync("api/v1/validate", two);
        var (mixed, mixedBody) = await PostAsync("api/v1/diff", both);
        var (unknown, unknownBody) = await PostAsync("api/v1/apply", misspelt);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate);
        Assert.Equal("api-b.yaml", JsonNode.Parse(duplicateBody)!["errors"]![0]!["file"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, mixed);
        Assert.Contains("not both", JsonNode.Parse(mixedBody)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("file", JsonNode.Parse(unknownBody)!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("api-x", await Cluster.Api.GetStringAsync("api/v1/apps"), StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, JsonNode body)
    {
        using var response = await Cluster.Api.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Spec(string name, string? environment = null, string version = "v1", string password = "pw-1", string? artifact = null, string extra = "") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          artifact:
            path: {artifact ?? Paths.SampleDirectory}
          command: dotnet
          args: [Slipway.Sample.dll]
          replicas: 0{extra}
          env:
            - name: VERSION
              value: {version}
            - name: DB_PASSWORD
              value: {password}
        """;

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// What a rollout changes in an app×env's status: its phase, revisions and step. (Not the weights: they are what
    /// the router applies, observed, and move on their own as instances come and go.)
    /// </summary>
    private async Task<JsonNode> AppAsync(string app, string env)
    {
        var status = JsonNode.Parse(await Cluster.Api.GetStringAsync($"api/v1/apps/{app}/{env}"))!;
        return new JsonObject(((string[])["phase", "stableRevision", "canaryRevision", "previewRevision", "currentStepIndex", "replicas", "startedAt"])
            .Select(f => KeyValuePair.Create(f, status[f]?.DeepClone())));
    }

    private async Task<JsonNode> HistoryAsync(string app, string env) =>
        JsonNode.Parse(await Cluster.Api.GetStringAsync($"api/v1/apps/{app}/{env}/history"))!;

    /// <summary>The real CLI with <paramref name="input"/> on its standard input, in <paramref name="workingDirectory"/>.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(string input, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in (string[])[Paths.SlipwayDll, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SLIPWAY_SERVER"] = Cluster.ServerUrl;
        info.Environment["SLIPWAY_DATA"] = Cluster.DataDirectory;
        info.Environment.Remove(SlipwayCluster.ApiTokenVariable);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>One server for the class: the tests use their own app names and do not interfere.</summary>
    public sealed class Server : IAsyncLifetime
    {
        internal SlipwayCluster Cluster { get; } = new();

        public Task InitializeAsync() => Cluster.StartServerAsync();

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
