using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Slipway.EndToEnd.Tests.Harness;
using YamlDotNet.Serialization;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The output of <c>get apps</c>, <c>status</c> and <c>history</c> through the real binary against a real server, in
/// every format, parsed back (JSON and YAML parsers, tables by their header's columns); environments filtered on
/// the server; and the CLI's errors, always <c>error: …</c> on stderr, never the API's JSON.
/// One cluster for the class: web in dev (a canary paused at its second step, revision 2 rolling out) and in
/// prod, api in prod only.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class CliOutputTests(CliOutputTests.Cluster fixture) : IClassFixture<CliOutputTests.Cluster>
{
    private readonly SlipwayCluster _cluster = fixture.Slipway;

    [Fact]
    public async Task Get_apps_lists_the_environment_of_e_default_dev_or_every_one_with_A_in_every_format()
    {
        var dev = await JsonAsync("get", "apps", "-o", "json");
        var app = Assert.Single(dev.AsArray())!;
        Assert.Equal("web", (string?)app["app"]);
        Assert.Equal("dev", (string?)app["environment"]);
        Assert.Equal("Paused", (string?)app["phase"]);
        Assert.Equal(1, (int?)app["stableRevision"]);
        Assert.Equal(2, (int?)app["canaryRevision"]);
        Assert.Equal("canary", (string?)app["strategy"]);
        Assert.Equal(2, (int?)app["revisions"]);
        Assert.Equal(1, (int?)app["currentStepIndex"]);
        Assert.Equal(10, (int?)app["weights"]!["canary"]);
        AssertTimestamp(app["createdAt"]);
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        CollectFields(app, fields);
        Assert.Equal(DocumentedAppFields(), fields);

        var prod = await JsonAsync("get", "apps", "-e", "prod", "-o", "json");
        Assert.Equal(["api", "web"], prod.AsArray().Select(a => (string)a!["app"]!).Order(StringComparer.Ordinal));
        Assert.All(prod.AsArray(), a => Assert.Equal("prod", (string?)a!["environment"]));

        var all = await JsonAsync("get", "apps", "-A", "-o", "json");
        Assert.Equal(["dev/web", "prod/api", "prod/web"], all.AsArray().Select(a => $"{a!["environment"]}/{a["app"]}").Order(StringComparer.Ordinal));

        Assert.True(JsonNode.DeepEquals(all, await YamlAsync("get", "apps", "-A", "-o", "yaml")), "-o yaml reads back as -o json");
        Assert.Equal("app/web\n", await StdoutAsync("get", "apps", "-o", "name"));
        Assert.Equal("app/web\napp/api\napp/web\n", await StdoutAsync("get", "apps", "--all-environments", "-o", "name"));
    }

    [Fact]
    public async Task Get_apps_text_is_a_table_with_an_age_an_env_column_with_A_and_more_columns_wide()
    {
        var rows = Table(await StdoutAsync("get", "apps"));
        Assert.Equal(["APP", "PHASE", "STABLE", "CANARY", "READY", "AGE"], rows[0].Keys.ToArray());
        var web = Assert.Single(rows);
        Assert.Equal(("web", "Paused", "1", "2", "1/1"), (web["APP"], web["PHASE"], web["STABLE"], web["CANARY"], web["READY"]));
        Assert.Matches(AgePattern(), web["AGE"]);

        rows = Table(await StdoutAsync("get", "apps", "-A"));
        Assert.Equal(["ENV", "APP", "PHASE", "STABLE", "CANARY", "READY", "AGE"], rows[0].Keys.ToArray());
        Assert.Equal(["dev/web", "prod/api", "prod/web"], rows.Select(r => $"{r["ENV"]}/{r["APP"]}"));

        rows = Table(await StdoutAsync("get", "apps", "-e", "prod", "-o", "wide"));
        Assert.Equal(["APP", "PHASE", "STABLE", "CANARY", "READY", "AGE", "STRATEGY", "STEP", "WEIGHTS", "REVISIONS", "URL"], rows[0].Keys.ToArray());
        Assert.Equal(("rolling", "-", "100/0", "1"), (rows[1]["STRATEGY"], rows[1]["STEP"], rows[1]["WEIGHTS"], rows[1]["REVISIONS"]));
        Assert.StartsWith("http://web.prod.localhost:", rows[1]["URL"], StringComparison.Ordinal);
        Assert.Equal("2/4", Table(await StdoutAsync("get", "apps", "-o", "wide"))[0]["STEP"]);
    }

    [Fact]
    public async Task An_environment_without_apps_says_so_on_stderr_and_succeeds()
    {
        var (exit, stdout, stderr) = await _cluster.CliAsync("get", "apps", "-e", "qa");

        Assert.Equal(0, exit);
        Assert.Equal("", stdout);
        Assert.Equal("No apps found in qa.", stderr.Trim());
        Assert.Equal("[]", (await JsonAsync("get", "apps", "-e", "qa", "-o", "json")).ToJsonString());
    }

    [Fact]
    public async Task Status_in_every_format_with_timestamps_in_utc()
    {
        var json = await JsonAsync("status", "web", "-o", "json");
        Assert.Equal("Paused", (string?)json["phase"]);
        AssertTimestamp(json["startedAt"]);
        AssertTimestamp(json["pauseStartedAt"]);
        Assert.Null(json["completedAt"]);
        Assert.All(json["conditions"]!.AsArray(), c => AssertTimestamp(c!["lastTransitionTime"]));

        // Two calls: the health numbers (requests, window covered) move between them, the rest does not.
        Assert.True(JsonNode.DeepEquals(WithoutHealthNumbers(json), WithoutHealthNumbers((await YamlAsync("status", "web", "-o", "yaml"))!)), "-o yaml reads back as -o json");
        Assert.Equal("app/web\n", await StdoutAsync("status", "web", "-o", "name"));
        Assert.Equal("app/api\n", await StdoutAsync("status", "api", "-e", "prod", "-o", "name"));

        var text = await StdoutAsync("status", "web");
        Assert.StartsWith("web (dev)  strategy canary  phase Paused", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" pid ", text, StringComparison.Ordinal);
        var wide = await StdoutAsync("status", "web", "-o", "wide");
        Assert.Contains(" pid ", wide, StringComparison.Ordinal);
        Assert.Matches(@"\n  started   \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", wide);
    }

    [Fact]
    public async Task History_in_every_format_marks_the_stable_revision_and_the_one_rolling_out()
    {
        var json = await JsonAsync("history", "web", "-o", "json");
        Assert.Equal([1, 2], json["revisions"]!.AsArray().Select(r => (int)r!["number"]!));
        Assert.Equal(1, (int?)json["stableRevision"]);
        Assert.Equal(2, (int?)json["canaryRevision"]);
        Assert.All(json["revisions"]!.AsArray(), r => AssertTimestamp(r!["createdAt"]));
        Assert.NotEmpty(json["events"]!.AsArray());
        Assert.All(json["events"]!.AsArray(), e => AssertTimestamp(e!["time"]));

        Assert.True(JsonNode.DeepEquals(json, await YamlAsync("history", "web", "-o", "yaml")), "-o yaml reads back as -o json");
        Assert.Equal("revision/1\nrevision/2\n", await StdoutAsync("history", "web", "-o", "name"));

        var tables = (await StdoutAsync("history", "web")).Split("\n\n");
        Assert.Equal(2, tables.Length);
        var revisions = Table(tables[0]);
        Assert.Equal(["REVISION", "CREATED", "ROLE", "ARTIFACT", "CHANGE-CAUSE"], revisions[0].Keys.ToArray());
        Assert.Equal([("1", "stable"), ("2", "rolling out")], revisions.Select(r => (r["REVISION"], r["ROLE"])));
        Assert.All(revisions, r => Assert.Matches(TablePattern(), r["CREATED"]));
        var events = Table(tables[1]);
        Assert.Equal(["TIME", "REVISION", "REASON", "MESSAGE"], events[0].Keys.ToArray());
        Assert.All(events, e => Assert.Matches(TablePattern(), e["TIME"]));
        Assert.Contains(events, e => e["REASON"] == "CanaryPauseStep" && e["REVISION"] == "2");
    }

    [Fact]
    public async Task A_missing_app_and_an_app_of_another_environment_are_told_apart_by_every_command()
    {
        foreach (var command in new[] { "status", "history", "logs", "delete" }.Select(c => new[] { c }).Append(["rollout", "promote"]))
        {
            await AssertErrorAsync([.. command, "nope"], "error: app nope not found");
            await AssertErrorAsync([.. command, "api"], "error: app api has no environment dev; it exists in prod");
            await AssertErrorAsync([.. command, "web", "-e", "staging"], "error: app web has no environment staging; it exists in dev, prod");
        }

        // Nothing was deleted on the way.
        Assert.Equal(3, (await JsonAsync("get", "apps", "-A", "-o", "json")).AsArray().Count);
    }

    [Fact]
    public async Task Every_error_is_one_error_line_on_stderr_never_the_apis_json_nor_a_proxys_page()
    {
        var failing = new (string[] Args, int Exit)[]
        {
            (["status", "nope", "-o", "json"], 1),
            (["history", "nope", "-o", "yaml"], 1),
            (["rollout", "promote", "web", "-e", "prod"], 1), // nothing to promote: a 409
            (["get", "things"], 1),
            (["status", "web", "-o", "xml"], 2),
            (["get", "apps", "-A", "-e", "prod"], 2),
            // Real servers that are not the API: the router (plain-text 404 for an unknown host) and its admin endpoint.
            (["get", "apps", "--server", $"127.0.0.1:{_cluster.RouterPort}", "-o", "json"], 1),
            (["status", "web", "--server", $"127.0.0.1:{_cluster.AdminPort}"], 1),
        };
        foreach (var (args, expectedExit) in failing)
        {
            var (exit, stdout, stderr) = await _cluster.CliAsync(args);
            var what = $"{string.Join(' ', args)}: exit {exit}, stderr: {stderr}";
            Assert.True(exit == expectedExit, what);
            Assert.Equal("", stdout);
            Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("{", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("<", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }

        var (_, _, router) = await _cluster.CliAsync("get", "apps", "--server", $"127.0.0.1:{_cluster.RouterPort}");
        Assert.Equal($"error: the server at http://127.0.0.1:{_cluster.RouterPort}/ answered 404 Not Found", router.Trim());
    }

    private async Task AssertErrorAsync(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await _cluster.CliAsync(args);
        Assert.True(exit == 1, $"{string.Join(' ', args)}: exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.Equal(expected, stderr.Trim());
    }

    private async Task<string> StdoutAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await _cluster.CliAsync(args);
        Assert.True(exit == 0, $"{string.Join(' ', args)}: exit {exit}: {stderr}");
        return stdout;
    }

    private async Task<JsonNode> JsonAsync(params string[] args) => JsonNode.Parse(await StdoutAsync(args))!;

    /// <summary>The YAML as YamlDotNet reads it (plain scalars resolved to null, booleans and numbers), as JSON.</summary>
    private async Task<JsonNode?> YamlAsync(params string[] args) =>
        ToJson(new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(await StdoutAsync(args)));

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        Dictionary<object, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create((string)p.Key, ToJson(p.Value)))),
        List<object?> list => new JsonArray([.. list.Select(ToJson)]),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        byte or sbyte or short or ushort or int or uint or long or ulong or decimal => JsonNode.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        float f => JsonNode.Parse(f.ToString("R", CultureInfo.InvariantCulture)),
        double d => JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture)),
        _ => throw new InvalidOperationException($"YAML read back a {value.GetType().Name}: {value}"),
    };

    /// <summary>An RFC 3339 timestamp in UTC with a Z, to the second, that parses.</summary>
    private static void AssertTimestamp(JsonNode? node)
    {
        var text = (string?)node;
        Assert.NotNull(text);
        Assert.Matches(ApiPattern(), text);
        Assert.Equal(TimeSpan.Zero, DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).Offset);
    }

    /// <summary>
    /// A table's rows (the header row left out) as header → cell, in the header's order, cut at the columns where the
    /// header's words start: a cell misaligned by a long value would be cut wrong.
    /// </summary>
    private static List<Dictionary<string, string>> Table(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var starts = HeaderWord().Matches(lines[0]).Select(m => (m.Value, m.Index)).ToList();
        return lines.Skip(1).Select(line => starts.Select((s, i) =>
            {
                var end = i + 1 < starts.Count ? Math.Min(starts[i + 1].Index, line.Length) : line.Length;
                Assert.True(s.Index == 0 || line[s.Index - 1] == ' ', $"a cell runs into column {s.Value}: '{line}'");
                return KeyValuePair.Create(s.Value, s.Index < line.Length ? line[s.Index..end].Trim() : "");
            }).ToDictionary()).ToList();
    }

    /// <summary>Every field name in the app list example of docs/api.md.</summary>
    private static SortedSet<string> DocumentedAppFields()
    {
        var doc = File.ReadAllText(Path.Combine(Paths.Repository, "docs", "api.md"));
        var section = doc[doc.IndexOf("## App list", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```json", StringComparison.Ordinal) + 7)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return new SortedSet<string>(FieldName().Matches(block).Select(m => m.Groups[1].Value), StringComparer.Ordinal);
    }

    private static void CollectFields(JsonNode? node, SortedSet<string> fields)
    {
        foreach (var (name, value) in node as JsonObject ?? [])
        {
            fields.Add(name);
            CollectFields(value, fields);
        }
    }

    [GeneratedRegex("\"([A-Za-z]+)\"\\s*:")]
    private static partial Regex FieldName();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
    private static partial Regex ApiPattern();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$")]
    private static partial Regex TablePattern();

    [GeneratedRegex(@"^(\d+s|\d+m(\d+s)?|\d+h(\d+m)?|\d+d(\d+h)?|\d+y(\d+d)?)$")]
    private static partial Regex AgePattern();

    [GeneratedRegex(@"[A-Z][A-Z-]*")]
    private static partial Regex HeaderWord();

    /// <summary>The class's one cluster: web paused mid-canary in dev and healthy in prod, api healthy in prod.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        internal SlipwayCluster Slipway { get; } = new();

        public async Task InitializeAsync()
        {
            await Slipway.StartServerAsync();
            await Slipway.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary, replicas: 1), "web-dev.yaml");
            await Slipway.ApplyAsync(InProd(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 1)), "web-prod.yaml");
            await Slipway.ApplyAsync(InProd(SlipwayCluster.SampleSpec("api", "v1", Strategies.Rolling, replicas: 1)), "api-prod.yaml");
            await Slipway.WaitForStatusAsync("web", s => s.Phase == "Healthy", "web healthy in dev");
            await Slipway.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Canary, replicas: 1), "web-dev.yaml");
            await Slipway.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.Revisions.All(r => r.Ready == r.Desired), "web v2 paused at 10 % in dev");
            foreach (var app in new[] { "web", "api" })
            {
                await Eventually.WaitAsync(
                    async () => (await Slipway.Api.GetStringAsync($"api/v1/apps/{app}/prod")).Contains("\"phase\":\"Healthy\"", StringComparison.Ordinal),
                    healthy => healthy,
                    TimeSpan.FromSeconds(120),
                    $"{app} healthy in prod");
            }
        }

        public async Task DisposeAsync() => await Slipway.DisposeAsync();

        private static string InProd(string spec) => spec.Replace("environment: dev", "environment: prod", StringComparison.Ordinal);
    }

    /// <summary>The document with each revision's health reduced to its field names, which do not move between two calls.</summary>
    private static JsonNode WithoutHealthNumbers(JsonNode status)
    {
        var copy = status.DeepClone();
        foreach (var revision in copy["revisions"]!.AsArray())
        {
            if (revision!["health"] is JsonObject health)
            {
                revision["health"] = new JsonArray([.. health.Select(f => (JsonNode?)JsonValue.Create(f.Key))]);
            }
        }

        return copy;
    }
}
