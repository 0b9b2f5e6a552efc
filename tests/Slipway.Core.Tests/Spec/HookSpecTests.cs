using Slipway.Core.Analysis;
using Slipway.Core.Hooks;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary><c>spec.hooks</c>: read with its defaults, refused with every error at its place, masked and rendered like the rest of a spec.</summary>
public sealed class HookSpecTests
{
    private const string Head = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: ./out
          command: dotnet
          args: [Web.dll]
        """;

    [Fact]
    public void Hooks_are_read_with_their_defaults_in_the_order_written()
    {
        var spec = ParseOne(Head + """

              hooks:
                - name: migrate
                  type: preRollout
                  job:
                    command: dotnet
                    args: [Migrate.dll, expand]
                    env:
                      - {name: MODE, value: expand}
                      - name: DB_ADMIN_URL
                        valueFrom: {secretKeyRef: {name: db, key: admin-url}}
                  timeout: 5m
                  retries: 2
                  irreversible: {reason: "adds column users.email_verified"}
                - name: notify
                  type: event
                  http:
                    url: http://127.0.0.1:9000/hooks
                    headers: [{name: Authorization, value: "Bearer t0k"}]
                - name: approve
                  type: confirmPromotion
                  http: {url: "https://ci.example.com/approve", method: get}
            """).Spec;

        Assert.Equal(["migrate", "notify", "approve"], spec.Hooks.Select(h => h.Name));
        var migrate = spec.Hooks[0];
        Assert.Equal(HookType.PreRollout, migrate.Type);
        Assert.Equal(TimeSpan.FromMinutes(5), migrate.Timeout);
        Assert.Equal(2, migrate.Retries);
        Assert.Equal("adds column users.email_verified", migrate.Irreversible?.Reason);
        var job = Assert.IsType<JobHookAction>(migrate.Action);
        Assert.Equal("dotnet", job.Command);
        Assert.Equal(["Migrate.dll", "expand"], job.Args);
        Assert.Equal(new EnvVar("MODE", "expand"), job.Env[0]);
        Assert.Equal(new SecretKeyRef("db", "admin-url"), job.Env[1].SecretKeyRef);
        Assert.Equal("", job.Env[1].Value);

        var notify = spec.Hooks[1];
        Assert.Equal(HookType.Event, notify.Type);
        Assert.Equal(HookSpec.DefaultTimeout, notify.Timeout);
        Assert.Equal(HookSpec.DefaultRetries, notify.Retries);
        Assert.Null(notify.Irreversible);
        var http = Assert.IsType<HttpHookAction>(notify.Action);
        Assert.Equal("POST", http.Method);
        Assert.Equal([new HttpHeaderSpec("Authorization", "Bearer t0k")], http.Headers);
        Assert.Null(http.Body);

        Assert.Equal("GET", Assert.IsType<HttpHookAction>(spec.Hooks[2].Action).Method);
    }

    [Fact]
    public void Every_error_of_the_hooks_is_reported_at_once_with_its_place()
    {
        var errors = Errors(Head + """

              hooks:
                - name: Migrate
                  type: preRolout
                  job: {command: dotnet, env: [{name: SLIPWAY_HOOK, value: x}, {name: A, value: 1, valueFrom: {secretKeyRef: {name: db, key: k}}}]}
                  http: {url: "http://x/"}
                  timeout: 500ms
                  retries: -1
                - name: notify
                  type: event
                  http: {url: "ftp://x/", method: GET, body: "{}", headers: [{name: "Bad Header", value: v}]}
                  irreversible: {reason: sends mail}
                - name: notify
                  type: confirmRollout
                  retries: 3
                - name: approve
                  type: confirmPromotion
                  url: http://x/
                  job: {command: "", timeout: 5s}
                - null
            """);

        string[] expected =
        [
            "apps/web.yaml:11:13: spec.hooks[0].name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Migrate'",
            "apps/web.yaml:12:13: spec.hooks[0].type: expected one of: preRollout, confirmRollout, confirmPromotion, postPromotion, onAbort, event, got 'preRolout' (did you mean 'preRollout'?)",
            "apps/web.yaml:13:43: spec.hooks[0].job.env[0].name: SLIPWAY_HOOK is reserved: Slipway sets it for every job hook (see docs/hooks.md)",
            "apps/web.yaml:13:88: spec.hooks[0].job.env[1].valueFrom: set either value or valueFrom, not both",
            "apps/web.yaml:14:7: spec.hooks[0]: must set only one of: job, http; got 'job' and 'http'",
            "apps/web.yaml:15:16: spec.hooks[0].timeout: must be between 1s and 24h, got 500ms",
            "apps/web.yaml:16:16: spec.hooks[0].retries: must be between 0 and 20, got -1",
            "apps/web.yaml:19:19: spec.hooks[1].http.url: expected an http:// or https:// URL, got 'ftp://x/'",
            "apps/web.yaml:19:39: spec.hooks[1].http.method: an event hook sends each event as the request's body: use POST, PUT or PATCH",
            "apps/web.yaml:19:50: spec.hooks[1].http.body: an event hook's body is the event: leave body out",
            "apps/web.yaml:19:73: spec.hooks[1].http.headers[0].name: must be an HTTP header name, got 'Bad Header'",
            "apps/web.yaml:20:7: spec.hooks[1].irreversible: an event hook changes nothing a rollback could undo: only preRollout, postPromotion and onAbort hooks can be irreversible",
            "apps/web.yaml:21:7: spec.hooks[2]: must set exactly one of: job, http",
            "apps/web.yaml:21:13: spec.hooks[2].name: duplicate hook name 'notify' (first used at line 17)",
            "apps/web.yaml:23:16: spec.hooks[2].retries: a confirmRollout hook is asked again every 10s until it says yes: retries does not apply",
            "apps/web.yaml:26:7: spec.hooks[3].url: Slipway's hooks say what they call: write http: {url: …} (or job: {command: …})",
            "apps/web.yaml:27:22: spec.hooks[3].job.command: must not be empty",
            "apps/web.yaml:27:26: spec.hooks[3].job.timeout: the timeout is the hook's own: write it beside job, not inside it",
            "apps/web.yaml:28:7: spec.hooks[4]: expected a mapping with name, type and job or http, got null",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_hook_needs_a_name_and_a_type()
    {
        var errors = Errors(Head + """

              hooks:
                - job: {command: "true"}
            """);
        Assert.Equal(
            ["apps/web.yaml:11:7: spec.hooks[0].name: missing required field 'name'", "apps/web.yaml:11:7: spec.hooks[0].type: missing required field 'type'"],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Hooks_are_not_part_of_the_template_so_changing_one_makes_no_new_revision()
    {
        var without = ParseOne(Head).Spec;
        var with = ParseOne(Head + """

              hooks:
                - {name: migrate, type: preRollout, job: {command: dotnet, args: [Migrate.dll]}}
            """).Spec;
        Assert.Single(with.Hooks);
        Assert.True(SlipwayJson.SameValue(without.Template, with.Template));
    }

    [Fact]
    public void Header_values_and_job_env_and_args_are_masked_like_an_analysis()
    {
        var spec = ParseOne(Head + """

              hooks:
                - name: migrate
                  type: preRollout
                  job:
                    command: dotnet
                    args: [Migrate.dll, --password, hunter2, "--connection=postgres://app:pw1@db/shop"]
                    env: [{name: DB_PASSWORD, value: s3cret}, {name: MODE, value: expand}]
                - name: notify
                  type: event
                  http:
                    url: https://hooks:pw2@example.com/x
                    headers: [{name: Authorization, value: "Bearer t0k"}, {name: X-Team, value: web}]
            """).Spec;

        var masked = SensitiveValues.Mask(spec);
        var job = (JobHookAction)masked.Hooks[0].Action;
        Assert.Equal(["Migrate.dll", "--password", SensitiveValues.Hidden, $"--connection=postgres://app:{SensitiveValues.Hidden}@db/shop"], job.Args);
        Assert.Equal([SensitiveValues.Hidden, "expand"], job.Env.Select(e => e.Value));
        var http = (HttpHookAction)masked.Hooks[1].Action;
        Assert.Equal($"https://hooks:{SensitiveValues.Hidden}@example.com/x", http.Url);
        Assert.Equal([SensitiveValues.Hidden, "web"], http.Headers.Select(h => h.Value));

        var rendered = CanonicalSpec.Render("web", "dev", masked);
        Assert.DoesNotContain("s3cret", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k", rendered, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void The_canonical_form_shows_every_hook_with_its_defaults_and_reads_back_the_same()
    {
        var manifest = ParseOne(Head + """

              hooks:
                - name: migrate
                  type: preRollout
                  job: {command: dotnet, args: [Migrate.dll], env: [{name: DB, valueFrom: {secretKeyRef: {name: db, key: url}}}]}
                  irreversible: {reason: adds a column}
                - {name: notify, type: event, http: {url: "http://127.0.0.1:9000/"}}
            """);

        var text = CanonicalSpec.Render("web", "dev", manifest.Spec);
        Assert.Contains("""
              hooks:
                - name: migrate
                  type: preRollout
                  job:
                    command: dotnet
                    args:
                      - Migrate.dll
                    env:
                      - name: DB
                        valueFrom:
                          secretKeyRef:
                            name: db
                            key: url
                  timeout: 1m
                  retries: 0
                  irreversible:
                    reason: adds a column
                - name: notify
                  type: event
                  http:
                    url: http://127.0.0.1:9000/
                    method: POST
                    headers: []
                  timeout: 1m
                  retries: 0
            """.ReplaceLineEndings("\n"), text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var reread = ParseOne(text.Replace("digest: ", "# digest: ", StringComparison.Ordinal));
        Assert.Equal(text, CanonicalSpec.Render("web", "dev", reread.Spec with { Template = reread.Spec.Template with { Artifact = manifest.Spec.Template.Artifact } }));
    }

    [Fact]
    public void A_spec_without_hooks_renders_as_before()
    {
        var text = CanonicalSpec.Render("web", "dev", ParseOne(Head).Spec);
        Assert.DoesNotContain("hooks", text, StringComparison.Ordinal);
    }
}
