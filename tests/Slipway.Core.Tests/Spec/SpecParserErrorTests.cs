using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// Each kind of problem is reported with the line and column of the offending node, the field
/// path and what was expected. Documents built from <see cref="SpecTestFiles.Minimal"/> (8 lines)
/// plus spec fields starting at line 9.
/// </summary>
public sealed class SpecParserErrorTests
{
    [Fact]
    public void Error_formats_as_file_line_column_path_message()
    {
        var error = new SpecError("apps/web.yaml", 12, 7, "spec.replicas", "must be at least 0, got -1");

        Assert.Equal("apps/web.yaml:12:7: spec.replicas: must be at least 0, got -1", error.ToString());
    }

    [Fact]
    public void Unknown_field_suggests_the_closest_known_one()
    {
        var error = SingleError(Minimal + "\n  replica: 3\n");

        AssertError(error, 9, 3, "spec.replica", "unknown field 'replica' (did you mean 'replicas'?)");
    }

    [Theory]
    [InlineData("PathPrefix", "pathPrefix")]
    [InlineData("path_prefix", "pathPrefix")]
    [InlineData("pathPrefx", "pathPrefix")]
    [InlineData("hots", "host")]
    public void Unknown_field_suggestion_forgives_case_separators_and_typos(string written, string suggested)
    {
        var error = SingleError(Minimal + $"\n  route: {{{written}: /x}}\n");

        AssertError(error, 9, 11, $"spec.route.{written}", $"(did you mean '{suggested}'?)");
    }

    [Fact]
    public void Unknown_field_without_a_close_match_lists_the_known_ones()
    {
        var error = SingleError(Minimal + "\n  route: {colour: red}\n");

        AssertError(error, 9, 11, "spec.route.colour", "unknown field 'colour' (expected one of: host, pathPrefix)");
    }

    [Theory]
    [InlineData("replicas: three", "spec.replicas", "expected an integer, got string 'three'")]
    [InlineData("replicas: \"3\"", "spec.replicas", "expected an integer, got string '3'")]
    [InlineData("replicas: 1.5", "spec.replicas", "expected an integer, got number '1.5'")]
    [InlineData("replicas: [1]", "spec.replicas", "expected an integer, got a list")]
    [InlineData("port: true", "spec.port", "expected an integer, got boolean 'true'")]
    [InlineData("args: [[dotnet]]", "spec.args[0]", "expected a string, got a list")]
    [InlineData("args: dotnet", "spec.args", "expected a list, got string 'dotnet'")]
    [InlineData("route: /api", "spec.route", "expected a mapping, got string '/api'")]
    [InlineData("strategy: {blueGreen: {autoPromotionEnabled: yes}}", "spec.strategy.blueGreen.autoPromotionEnabled", "expected a boolean (true or false), got string 'yes'")]
    [InlineData("strategy: {rolling: {maxSurge: two}}", "spec.strategy.rolling.maxSurge", "expected an integer or a percentage such as '25%', got string 'two'")]
    public void Wrong_type_names_what_was_expected_and_what_was_found(string line, string path, string message)
    {
        var error = SingleError(Minimal + "\n  " + line + "\n");

        Assert.Equal(9, error.Line);
        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Wrong_type_points_at_the_value()
    {
        var error = SingleError(Minimal + "\n  replicas: three\n");

        AssertError(error, 9, 13, "spec.replicas", "expected an integer, got string 'three'");
    }

    [Fact]
    public void Missing_required_field_points_at_its_parent()
    {
        var error = SingleError(Minimal.Replace("  command: dotnet", ""));

        AssertError(error, 5, 1, "spec.command", "missing required field 'command'");
    }

    [Fact]
    public void Missing_top_level_sections_are_each_reported()
    {
        var errors = Errors("apiVersion: slipway.dev/v1alpha1\nkind: Application\n");

        Assert.Collection(
            errors,
            e => AssertError(e, 1, 1, "metadata", "missing required field 'metadata'"),
            e => AssertError(e, 1, 1, "spec", "missing required field 'spec'"));
    }

    [Fact]
    public void Missing_artifact_path_and_empty_command()
    {
        var errors = Errors(Minimal.Replace("    path: out", "    {}").Replace("command: dotnet", "command: ''"));

        Assert.Collection(
            errors,
            e => AssertError(e, 6, 3, "spec.artifact", "missing required field 'path' (a directory) or 'image' (an OCI image)"),
            e => AssertError(e, 8, 12, "spec.command", "must not be empty"));
    }

    [Fact]
    public void An_artifact_image_must_be_an_image_reference()
    {
        var error = SingleError(Minimal.Replace("path: out", "image: registry.local/web@sha256:abc"));

        AssertError(error, 7, 12, "spec.artifact.image", "is not an image reference: 'registry.local/web@sha256:abc': the part after '@' is not a digest: expected sha256: and 64 lowercase hex digits");
    }

    [Fact]
    public void An_artifact_is_a_path_or_an_image_never_both_nor_neither()
    {
        AssertError(SingleError(Minimal.Replace("path: out", "path: out\n    image: localhost:5000/web:1")), 8, 5, "spec.artifact.image",
            "give one of artifact.path (a directory) and artifact.image (an OCI image), not both");
        Assert.Collection(
            Errors(Minimal.Replace("    path: out", "    labels: {}")),
            e => AssertError(e, 6, 3, "spec.artifact", "missing required field 'path' (a directory) or 'image' (an OCI image)"),
            e => AssertError(e, 7, 5, "spec.artifact.labels", "unknown field 'labels' (expected one of: path, image)"));
    }

    [Theory]
    [InlineData("apiVersion: slipway.dev/v1", 1, 13, "apiVersion", "expected 'slipway.dev/v1alpha1', got 'slipway.dev/v1'")]
    [InlineData("kind: Deployment", 2, 7, "kind", "expected 'Application', 'AnalysisTemplate' or 'ImagePolicy', got 'Deployment'")]
    [InlineData("kind: application", 2, 7, "kind", "expected 'Application', 'AnalysisTemplate' or 'ImagePolicy', got 'application' (did you mean 'Application'?)")]
    public void Api_version_and_kind_must_be_exact(string replacement, int line, int column, string path, string message)
    {
        var field = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        var yaml = string.Join('\n', Minimal.Split('\n').Select(l => l.StartsWith(field + ":", StringComparison.Ordinal) ? replacement : l));

        AssertError(SingleError(yaml), line, column, path, message);
    }

    [Theory]
    [InlineData("replicas: -1", 13, "spec.replicas", "must be at least 0, got -1")]
    [InlineData("port: 70000", 9, "spec.port", "must be between 1 and 65535, got 70000")]
    [InlineData("port: 0", 9, "spec.port", "must be between 1 and 65535, got 0")]
    [InlineData("progressDeadlineSeconds: 0", 28, "spec.progressDeadlineSeconds", "must be at least 1, got 0")]
    [InlineData("terminationGracePeriodSeconds: -5", 34, "spec.terminationGracePeriodSeconds", "must be at least 0, got -5")]
    [InlineData("replicas: 99999999999", 13, "spec.replicas", "is too large (at most 2147483647), got 99999999999")]
    [InlineData("strategy: {rolling: {maxSurge: 150%}}", 34, "spec.strategy.rolling.maxSurge", "a percentage must be between 0% and 100%, got '150%'")]
    [InlineData("strategy: {rolling: {maxUnavailable: -1}}", 40, "spec.strategy.rolling.maxUnavailable", "must be at least 0, got -1")]
    [InlineData("strategy: {blueGreen: {scaleDownDelaySeconds: -1}}", 49, "spec.strategy.blueGreen.scaleDownDelaySeconds", "must be at least 0, got -1")]
    [InlineData("revisionHistoryLimit: -1", 25, "spec.revisionHistoryLimit", "must be at least 0, got -1")]
    public void Out_of_range_values(string line, int column, string path, string message)
    {
        AssertError(SingleError(Minimal + "\n  " + line + "\n"), 9, column, path, message);
    }

    [Fact]
    public void Canary_weight_outside_0_to_100_names_the_step()
    {
        var error = SingleError(Minimal + """

              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {}
                    - setWeight: 150
            """);

        AssertError(error, 14, 22, "spec.strategy.canary.steps[2].setWeight", "must be between 0 and 100, got 150");
    }

    [Fact]
    public void Canary_mirror_percentage_outside_0_to_100()
    {
        var error = SingleError(Minimal + "\n  strategy: {canary: {steps: [{setMirror: {percentage: 101}}]}}\n");

        AssertError(error, 9, 56, "spec.strategy.canary.steps[0].setMirror.percentage", "must be between 0 and 100, got 101");
    }

    [Theory]
    [InlineData("{maxSurge: 0, maxUnavailable: 0}")]
    [InlineData("{maxSurge: 0%, maxUnavailable: 0}")]
    [InlineData("{maxSurge: 0, maxUnavailable: 0%}")]
    public void Rolling_with_neither_surge_nor_unavailability_is_rejected(string rolling)
    {
        var error = SingleError(Minimal + "\n  strategy:\n    rolling: " + rolling + "\n");

        AssertError(error, 10, 5, "spec.strategy.rolling", "maxSurge and maxUnavailable must not both be 0");
    }

    [Theory]
    [InlineData("5 minutes", "string '5 minutes'")]
    [InlineData("30", null)]
    [InlineData("1.5", "number '1.5'")]
    [InlineData("10x", "string '10x'")]
    [InlineData("true", "boolean 'true'")]
    public void Pause_duration_must_parse(string duration, string? found)
    {
        var yaml = Minimal + $"\n  strategy: {{canary: {{steps: [{{pause: {{duration: {duration}}}}}]}}}}\n";
        if (found is null)
        {
            ParseOne(yaml);
            return;
        }

        AssertError(SingleError(yaml), 9, 50, "spec.strategy.canary.steps[0].pause.duration", $"expected a duration such as '30s', '5m', '1h30m' or a number of seconds, got {found}");
    }

    [Fact]
    public void Pause_duration_must_not_be_negative()
    {
        var error = SingleError(Minimal + "\n  strategy: {canary: {steps: [{pause: {duration: -5s}}]}}\n");

        AssertError(error, 9, 50, "spec.strategy.canary.steps[0].pause.duration", "must not be negative, got -5s");
    }

    [Fact]
    public void Duplicate_env_names_point_at_the_second()
    {
        var error = SingleError(Minimal + """

              env:
                - name: VERSION
                  value: v1
                - name: OTHER
                - name: VERSION
                  value: v2
            """);

        AssertError(error, 13, 13, "spec.env[2].name", "duplicate env name 'VERSION' (first set at line 10)");
    }

    [Theory]
    [InlineData("PORT", "PORT is reserved: Slipway sets it")]
    [InlineData("1ST", "must be a letter or '_' followed by letters, digits or '_', got '1ST'")]
    [InlineData("MY-VAR", "must be a letter or '_' followed by letters, digits or '_', got 'MY-VAR'")]
    public void Env_names_follow_shell_rules_and_port_is_reserved(string name, string message)
    {
        var error = SingleError(Minimal + $"\n  env: [{{name: {name}, value: x}}]\n");

        AssertError(error, 9, 16, "spec.env[0].name", message);
    }

    [Fact]
    public void Env_value_must_be_a_scalar()
    {
        var error = SingleError(Minimal + "\n  env: [{name: A, value: [1, 2]}]\n");

        AssertError(error, 9, 26, "spec.env[0].value", "expected a string, got a list");
    }

    [Fact]
    public void Yaml_syntax_error_reports_its_line_and_column()
    {
        var error = SingleError(Minimal + "\n  args: [a, b\n  replicas: 2\n");

        Assert.Equal("(file)", error.Path);
        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Line:", error.Message, StringComparison.Ordinal);

        // The text ends inside the flow list: the error points where it was opened.
        Assert.Equal((9, 9), (error.Line, error.Column));
    }

    [Fact]
    public void Yaml_syntax_error_with_bad_indentation()
    {
        var error = SingleError("apiVersion: slipway.dev/v1alpha1\nkind: Application\n metadata: {}\n");

        Assert.Equal("(file)", error.Path);
        Assert.Equal(3, error.Line);
        Assert.Equal(10, error.Column);
    }

    [Fact]
    public void Duplicate_field_is_reported_not_silently_overwritten()
    {
        var error = SingleError(Minimal + "\n  replicas: 2\n  replicas: 3\n");

        AssertError(error, 10, 3, "spec.replicas", "duplicate field 'replicas' (first set at line 9)");
    }

    [Theory]
    [InlineData("name: Web", 4, 9, "metadata.name", "must be a DNS label")]
    [InlineData("name: web-", 4, 9, "metadata.name", "must be a DNS label")]
    [InlineData("name: a-very-long-name-that-goes-on-and-on-and-on-far-beyond-sixty-three", 4, 9, "metadata.name", "must be at most 63 characters, got 66")]
    [InlineData("name: web\n  environment: Prod_1", 5, 16, "metadata.environment", "must be a DNS label")]
    [InlineData("name: web\n  labels: {team: [a]}", 5, 18, "metadata.labels.team", "expected a string, got a list")]
    [InlineData("name: web\n  labels: {'bad key!': x}", 5, 12, "metadata.labels[\"bad key!\"]", "must be a label key")]
    public void Metadata_names_follow_kubernetes_rules(string metadata, int line, int column, string path, string message)
    {
        var error = SingleError(Minimal.Replace("name: web", metadata));

        AssertError(error, line, column, path, message);
    }

    [Theory]
    [InlineData("route: {host: Web.Localhost}", 17, "spec.route.host", "must be lowercase, got 'Web.Localhost'")]
    [InlineData("route: {host: web_app.localhost}", 17, "spec.route.host", "must be a hostname")]
    [InlineData("route: {pathPrefix: api}", 23, "spec.route.pathPrefix", "must start with '/', got 'api'")]
    [InlineData("route: {pathPrefix: ''}", 23, "spec.route.pathPrefix", "must start with '/', got ''")]
    [InlineData("strategy: {blueGreen: {previewRoute: {host: 'a b'}}}", 47, "spec.strategy.blueGreen.previewRoute.host", "must be a hostname")]
    public void Routes_need_a_lowercase_hostname_and_an_absolute_prefix(string line, int column, string path, string message)
    {
        AssertError(SingleError(Minimal + "\n  " + line + "\n"), 9, column, path, message);
    }

    [Fact]
    public void Default_preview_host_too_long_for_a_label_is_reported()
    {
        var name = new string('a', 60);
        var error = SingleError(Minimal.Replace("name: web", "name: " + name) + "\n  strategy: {blueGreen: {}}\n");

        AssertError(error, 9, 14, "spec.strategy.blueGreen.previewRoute.host", $"the default host '{name}-preview.dev.localhost' is not valid");
    }

    [Theory]
    [InlineData("strategy: {}", 9, 3, "must set exactly one of: recreate, rolling, blueGreen, canary")]
    [InlineData("strategy: {recreate: {}, canary: {}}", 9, 28, "must set only one of: recreate, rolling, blueGreen, canary; got 'recreate' and 'canary'")]
    public void Strategy_must_be_exactly_one_kind(string line, int errorLine, int column, string message)
    {
        AssertError(SingleError(Minimal + "\n  " + line + "\n"), errorLine, column, "spec.strategy", message);
    }

    [Fact]
    public void An_irreversible_release_must_say_why_and_nothing_else()
    {
        var errors = Errors(Minimal + "\n  irreversible: {reson: drops a column}\n");

        Assert.Collection(
            errors,
            e => AssertError(e, 9, 3, "spec.irreversible.reason", "missing required field 'reason'"),
            e => AssertError(e, 9, 18, "spec.irreversible.reson", "unknown field 'reson'"));
        Assert.Collection(
            Errors(Minimal + "\n  irreversible: {reason: ''}\n"),
            e => AssertError(e, 9, 26, "spec.irreversible.reason", "must not be empty"));
    }

    [Fact]
    public void Strategy_type_in_kubernetes_style_is_an_unknown_field()
    {
        var errors = Errors(Minimal + "\n  strategy: {type: Recreate}\n");

        Assert.Collection(
            errors,
            e => AssertError(e, 9, 3, "spec.strategy", "must set exactly one of"),
            e => AssertError(e, 9, 14, "spec.strategy.type", "unknown field 'type'"));
    }

    [Fact]
    public void Canary_step_must_be_exactly_one_kind()
    {
        var errors = Errors(Minimal + """

              strategy:
                canary:
                  steps:
                    - {setWeight: 10, pause: {}}
                    - {}
                    - experiment: {duration: 5m}
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 12, 27, "spec.strategy.canary.steps[0]", "must set only one of: setWeight, pause, analysis, setHeaderRoute, setMirror; got 'setWeight' and 'pause'"),
            e => AssertError(e, 13, 11, "spec.strategy.canary.steps[1]", "must set exactly one of"),
            e => AssertError(e, 14, 11, "spec.strategy.canary.steps[2].experiment", "not supported: an analysis with a baseline"),
            e => AssertError(e, 14, 11, "spec.strategy.canary.steps[2]", "must set exactly one of"));
    }

    [Fact]
    public void Misspelt_step_kind_is_reported_once_with_a_suggestion()
    {
        var error = SingleError(Minimal + "\n  strategy: {canary: {steps: [{setWeigth: 5}]}}\n");

        AssertError(error, 9, 32, "spec.strategy.canary.steps[0].setWeigth", "unknown field 'setWeigth' (did you mean 'setWeight'?)");
    }

    [Fact]
    public void Header_route_matches_are_checked()
    {
        var errors = Errors(Minimal + """

              strategy:
                canary:
                  steps:
                    - setHeaderRoute:
                        name: Beta
                        match:
                          - headerName: "X Canary"
                            headerValue: {exact: "yes", prefix: y}
                          - headerName: X-Canary
                            headerValue: {regex: "(unclosed"}
                          - headerValue: {exact: "yes"}
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 13, 19, "spec.strategy.canary.steps[0].setHeaderRoute.name", "must be a DNS label"),
            e => AssertError(e, 15, 29, "spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerName", "must be an HTTP header name, got 'X Canary'"),
            e => AssertError(e, 16, 45, "spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue", "must set only one of: exact, prefix, regex; got 'exact' and 'prefix'"),
            e => AssertError(e, 18, 38, "spec.strategy.canary.steps[0].setHeaderRoute.match[1].headerValue.regex", "is not a valid regular expression"),
            e => AssertError(e, 19, 17, "spec.strategy.canary.steps[0].setHeaderRoute.match[2].headerName", "missing required field 'headerName'"));
    }

    [Fact]
    public void Probe_problems_are_each_reported()
    {
        var errors = Errors(Minimal + """

              probes:
                startup:
                  initialDelaySeconds: 5
                readiness:
                  httpGet: {path: healthz}
                  tcpSocket: {port: 0}
                liveness:
                  exec: {command: []}
                  successThreshold: 2
                  periodSeconds: 0
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 10, 5, "spec.probes.startup", "must set exactly one of: httpGet, tcpSocket, exec"),
            e => AssertError(e, 13, 23, "spec.probes.readiness.httpGet.path", "must start with '/', got 'healthz'"),
            e => AssertError(e, 14, 7, "spec.probes.readiness", "must set only one of: httpGet, tcpSocket, exec; got 'httpGet' and 'tcpSocket'"),
            e => AssertError(e, 14, 25, "spec.probes.readiness.tcpSocket.port", "must be between 1 and 65535, got 0"),
            e => AssertError(e, 16, 23, "spec.probes.liveness.exec.command", "must not be empty"),
            e => AssertError(e, 17, 25, "spec.probes.liveness.successThreshold", "must be 1 for a liveness probe, got 2"),
            e => AssertError(e, 18, 22, "spec.probes.liveness.periodSeconds", "must be at least 1, got 0"));
    }

    [Fact]
    public void Document_that_is_not_a_mapping()
    {
        var error = SingleError("- just\n- a list\n");

        AssertError(error, 1, 1, "(document)", "expected a mapping with apiVersion, kind, metadata and spec, got a list");
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n---\n")]
    public void File_without_documents_is_an_error(string yaml)
    {
        AssertError(SingleError(yaml), 1, 1, "(file)", "no documents");
    }

    [Fact]
    public void Every_error_of_a_spec_is_reported_at_once_in_line_order()
    {
        var errors = Errors("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: Web
            spec:
              artifact: {path: out, image: web:1}
              replicas: three
              env:
                - {name: A, value: "1"}
                - {name: A, value: "2"}
              strategy:
                canary:
                  steps:
                    - setWeight: 110
                    - pause: {duration: soon}
                    - setMirror: {percent: 5}
            """);

        // Compared as one text so that a failure shows the first differing line in full.
        string[] expected =
            [
                "apps/web.yaml:4:9: metadata.name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Web'",
                "apps/web.yaml:5:1: spec.command: missing required field 'command'",
                "apps/web.yaml:6:25: spec.artifact.image: give one of artifact.path (a directory) and artifact.image (an OCI image), not both",
                "apps/web.yaml:7:13: spec.replicas: expected an integer, got string 'three'",
                "apps/web.yaml:10:14: spec.env[1].name: duplicate env name 'A' (first set at line 9)",
                "apps/web.yaml:14:22: spec.strategy.canary.steps[0].setWeight: must be between 0 and 100, got 110",
                "apps/web.yaml:15:29: spec.strategy.canary.steps[1].pause.duration: expected a duration such as '30s', '5m', '1h30m' or a number of seconds, got string 'soon'",
                "apps/web.yaml:16:11: spec.strategy.canary.steps[2].setMirror.percentage: missing required field 'percentage'",
                "apps/web.yaml:16:23: spec.strategy.canary.steps[2].setMirror.percent: unknown field 'percent' (did you mean 'percentage'?)",
            ];
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, errors));
    }

    internal static void AssertError(SpecError error, int line, int column, string path, string messageFragment)
    {
        Assert.True(
            error.Line == line && error.Column == column && error.Path == path && error.Message.Contains(messageFragment, StringComparison.Ordinal),
            $"expected {line}:{column}: {path}: …{messageFragment}…{Environment.NewLine}     got {error}");
    }
}
