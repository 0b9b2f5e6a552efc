using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;
using Slipway.Store;

namespace Slipway.Cli.Tests.Output;

public sealed class HistoryOutputTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 22, 10, 5, TimeSpan.Zero);

    private static readonly EventRecord[] Events =
    [
        new(3, "web", "dev", 2, Start.AddMinutes(5).AddSeconds(1), "CanaryPauseStep", "step 2: paused\nuntil promoted"),
        new(2, "web", "dev", 2, Start.AddMinutes(5), "RolloutStarted", "revision 2 created"),
        new(1, "web", "dev", null, Start, "Applied", "first apply"),
    ];

    private static readonly HistoryView Rolling = new(
        [
            new RevisionHistory(1, "first revision", Start, "sha256:27dd9e74c08fef7d802f1c36fb4baeb4954eda4fb9e9d96466310d12460433c1", []),
            new RevisionHistory(2, "changed env VERSION", Start.AddMinutes(5), "sha256:aaaabbbbccccdddd", []),
            new RevisionHistory(3, "changed replicas", Start.AddMinutes(9), null, []),
        ],
        Events,
        StableRevision: 1,
        CanaryRevision: 2);

    [Fact]
    public void Text_has_a_header_marks_the_stable_revision_and_the_one_rolling_out_and_dates_every_time()
    {
        var text = Printer.Render(OutputFormat.Text, new HistoryOutput(new JsonObject(), Rolling));

        Assert.Equal(
            """
            REVISION   CREATED                ROLE          ARTIFACT              CHANGE-CAUSE
            1          2026-11-23 22:10:05Z   stable        sha256:27dd9e74c08f   first revision
            2          2026-11-23 22:15:05Z   rolling out   sha256:aaaabbbbcccc   changed env VERSION
            3          2026-11-23 22:19:05Z   -             -                     changed replicas

            TIME                   REVISION   REASON            MESSAGE
            2026-11-23 22:10:05Z   -          Applied           first apply
            2026-11-23 22:15:05Z   2          RolloutStarted    revision 2 created
            2026-11-23 22:15:06Z   2          CanaryPauseStep   step 2: paused until promoted

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void The_boundary_shows_what_each_revision_changed_for_good_and_whether_it_ran()
    {
        var history = Rolling with
        {
            Revisions =
            [
                Rolling.Revisions[0],
                Rolling.Revisions[1] with
                {
                    Irreversible = "drops column users.legacy_id",
                    IrreversibleChanges = [new Core.Rollouts.IrreversibleChange(2, "drops column users.legacy_id", null, Start.AddMinutes(6))],
                },
                Rolling.Revisions[2] with { Irreversible = "renames table orders" },
            ],
        };

        var text = Printer.Render(OutputFormat.Text, new HistoryOutput(new JsonObject(), history));

        Assert.Equal(
            """
            REVISION   CREATED                ROLE          ARTIFACT              IRREVERSIBLE                                                CHANGE-CAUSE
            1          2026-11-23 22:10:05Z   stable        sha256:27dd9e74c08f   -                                                           first revision
            2          2026-11-23 22:15:05Z   rolling out   sha256:aaaabbbbcccc   drops column users.legacy_id (since 2026-11-23 22:16:05Z)   changed env VERSION
            3          2026-11-23 22:19:05Z   -             -                     renames table orders (not run yet)                          changed replicas
            """.ReplaceLineEndings("\n"),
            string.Join('\n', text.Split('\n').Take(4)));
    }

    [Fact]
    public void Wide_shows_digests_whole()
    {
        var text = Printer.Render(OutputFormat.Wide, new HistoryOutput(new JsonObject(), Rolling));

        Assert.Contains("sha256:27dd9e74c08fef7d802f1c36fb4baeb4954eda4fb9e9d96466310d12460433c1   first revision", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_is_one_revision_slash_number_line_per_revision()
    {
        Assert.Equal("revision/1\nrevision/2\nrevision/3\n", Printer.Render(OutputFormat.Name, new HistoryOutput(new JsonObject(), Rolling)));
    }
}
