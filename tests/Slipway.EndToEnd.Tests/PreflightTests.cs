using System.Text.Json;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The preflight checks and the configuration of environments through the real CLI and server, running the sample
/// service: a release without DATABASE_URL is refused by <c>validate</c> and <c>apply</c>, naming every missing item at
/// its line, and starts nothing; set, it rolls out and the instance sees it; <c>config</c> and
/// <c>diff APP --from --to</c> show the configuration, missing names first, and never a sensitive value.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PreflightTests
{
    private const string Token = "tok-e2e-5f0a9c";

    /// <summary>requiredEnv as a block list: DATABASE_URL on line 13 of a spec whose env has one entry.</summary>
    private const string Required = "\n    - DATABASE_URL\n    - SMTP_HOST";

    [Fact]
    public async Task A_release_without_DATABASE_URL_is_refused_then_rolls_out_once_it_is_set_and_the_instance_sees_it()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var file = cluster.WriteSpec("web.yaml", Spec("web", "    - {name: SMTP_HOST, value: CHANGEME}", replicas: 1, required: Required));

        var (exit, stdout, stderr) = await cluster.CliAsync("validate", "-f", file, "-e", "prod");
        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains($"{file}:13:7: spec.requiredEnv[0]: web/prod cannot be released: DATABASE_URL is required but not set (set it in spec.env, or from a secret: slipway secret set database url=… -e prod", stderr);
        Assert.Contains($"{file}:11:32: spec.env[0].value: web/prod cannot be released: SMTP_HOST is required but its value 'CHANGEME' is a placeholder", stderr);
        Assert.Contains("the preflight checks", stderr);

        (exit, _, stderr) = await cluster.CliAsync("apply", "-f", file, "-e", "prod");
        Assert.Equal(1, exit);
        Assert.Contains("DATABASE_URL is required but not set", stderr);
        Assert.Contains("2 error(s); nothing was applied", stderr);
        (exit, _, stderr) = await cluster.CliAsync("get", "apps", "-e", "prod");
        Assert.True(exit == 0, stderr);
        Assert.Contains("No apps found in prod.", stderr);
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDirectory, "instances")) && Directory.EnumerateFileSystemEntries(Path.Combine(cluster.DataDirectory, "instances")).Any(), "an instance was started");

        const string url = "postgres://db.internal:5432/web";
        file = cluster.WriteSpec("web.yaml", Spec("web", $"    - {{name: SMTP_HOST, value: smtp.internal}}\n    - {{name: DATABASE_URL, value: \"{url}\"}}\n    - {{name: API_TOKEN, value: {Token}}}", replicas: 1, required: Required));
        (exit, stdout, stderr) = await cluster.CliAsync("apply", "-f", file, "-e", "prod");
        Assert.True(exit == 0, stderr);
        Assert.Contains("web (prod) revision 1 created; rolling out", stdout);
        (exit, _, stderr) = await cluster.CliAsync("rollout", "status", "web", "-e", "prod", "--timeout", "2m");
        Assert.True(exit == 0, stderr);

        var status = await cluster.StatusAsync("web", "prod");
        var pid = status.Revisions.SelectMany(r => r.Instances).Single().Pid;
        Assert.Contains($"DATABASE_URL={url}", (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0'));

        (exit, stdout, stderr) = await cluster.CliAsync("config", "web", "-e", "prod");
        Assert.True(exit == 0, stderr);
        Assert.Contains($"DATABASE_URL       value     {url}", stdout);
        Assert.Contains("API_TOKEN          value     (sensitive value hidden)", stdout);
        Assert.Contains("SLIPWAY_ENV        slipway   prod", stdout);
        Assert.Contains("SMTP_HOST      yes", stdout);
        foreach (var format in new[] { "json", "yaml", "text" })
        {
            (exit, stdout, stderr) = await cluster.CliAsync("config", "web", "-e", "prod", "-o", format);
            Assert.True(exit == 0, stderr);
            Assert.False(stdout.Contains(Token, StringComparison.Ordinal), $"config -o {format} printed a sensitive value");
        }
    }

    [Fact]
    public async Task Diff_from_to_lists_missing_names_first_prints_no_sensitive_value_and_warnings_are_printed()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var dev = cluster.WriteSpec("dev.yaml", Spec("web", $"    - {{name: SMTP_HOST, value: localhost}}\n    - {{name: DATABASE_URL, value: postgres://dev}}\n    - {{name: API_TOKEN, value: {Token}-dev}}\n    - {{name: LOG_LEVEL, value: debug}}", replicas: 0, required: "[]"));
        var prod = cluster.WriteSpec("prod.yaml", Spec("web", $"    - {{name: DATABASE_URL, value: postgres://prod}}\n    - {{name: API_TOKEN, value: {Token}-prod}}\n    - {{name: LOG_LEVEL, value: info}}\n    - {{name: LEGACY, value: \"on\"}}", replicas: 0, required: "[DATABASE_URL]"));
        foreach (var (path, env) in new[] { (dev, "dev"), (prod, "prod") })
        {
            var (code, _, error) = await cluster.CliAsync("apply", "-f", path, "-e", env);
            Assert.True(code == 0, error);
        }

        var (exit, stdout, stderr) = await cluster.CliAsync("diff", "web", "--from", "dev", "--to", "prod");
        Assert.True(exit == 1, stderr);
        var lines = stdout.Split('\n');
        Assert.Equal("web: dev (revision 1) and prod (revision 1) differ", lines[0]);
        Assert.Equal("Missing in prod: SMTP_HOST", lines[1]);
        Assert.Equal("Missing in dev: LEGACY", lines[2]);
        Assert.Contains("  DATABASE_URL: 'postgres://dev' in dev, 'postgres://prod' in prod", stdout);
        Assert.Contains("  API_TOKEN: (value differs)", stdout);
        Assert.Contains("  DATABASE_URL: required in prod only", stdout);
        Assert.False(stdout.Contains(Token, StringComparison.Ordinal) || stderr.Contains(Token, StringComparison.Ordinal), "diff printed a sensitive value");

        (exit, stdout, _) = await cluster.CliAsync("diff", "web", "--from", "prod", "--to", "prod");
        Assert.Equal(2, exit);
        (exit, _, stderr) = await cluster.CliAsync("diff", "web");
        Assert.Equal(2, exit);
        Assert.Contains("needs --from ENV and --to ENV", stderr);
        (exit, _, stderr) = await cluster.CliAsync("diff", "web", "-f", dev, "--from", "dev", "--to", "prod");
        Assert.Equal(2, exit);
        Assert.Contains("give one form, not both", stderr);
        (exit, _, stderr) = await cluster.CliAsync("diff", "web", "--from", "dev", "--to", "staging");
        Assert.Equal(2, exit);
        Assert.Contains("app web has no environment staging; it exists in dev, prod", stderr);

        // The same configuration: exit 0. And an app with replicas and no readiness probe: a warning, at its line.
        var same = Spec("api", "    - {name: LOG_LEVEL, value: info}", replicas: 0);
        foreach (var env in new[] { "dev", "prod" })
        {
            var (code, _, error) = await cluster.CliAsync("apply", "-f", cluster.WriteSpec("api.yaml", same), "-e", env);
            Assert.True(code == 0, error);
        }

        (exit, stdout, stderr) = await cluster.CliAsync("diff", "api", "--from", "dev", "--to", "prod");
        Assert.True(exit == 0, stdout + stderr);
        Assert.StartsWith("api: dev (revision 1) and prod (revision 1) have the same configuration", stdout, StringComparison.Ordinal);

        var worker = cluster.WriteSpec("worker.yaml", Spec("worker", "    - {name: DATABASE_URL, value: postgres://x}", replicas: 2, probe: false));
        foreach (var command in new[] { new[] { "validate", "-f", worker }, ["apply", "--dry-run", "-f", worker], ["diff", "-f", worker] })
        {
            (exit, _, stderr) = await cluster.CliAsync(command);
            Assert.True(exit == (command[0] == "diff" ? 1 : 0), stderr);
            Assert.Contains($"{worker}:5:1: spec.probes.readiness: warning: worker/dev: 2 replicas and no readiness probe", stderr);
        }
    }

    /// <summary>The sample service, <paramref name="env"/> as the env list (its first entry on line 11), then requiredEnv.</summary>
    private static string Spec(string name, string env, int replicas, string required = "[]", bool probe = true) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
        spec:
          artifact:
            path: {Paths.SampleDirectory}
          command: dotnet
          args: [Slipway.Sample.dll]
          env:
        {env}
          requiredEnv: {required}
          replicas: {replicas}
          minReadySeconds: 0{(probe ? "\n  probes:\n    readiness:\n      httpGet: {path: /healthz}\n      periodSeconds: 1" : "")}
        """;
}
