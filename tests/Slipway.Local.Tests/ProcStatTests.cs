using Slipway.Local.Processes;

namespace Slipway.Local.Tests;

public sealed class ProcStatTests
{
    [Fact]
    public void Parses_fields_after_a_command_name_holding_spaces_and_parentheses()
    {
        var line = "4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 130 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

        var stat = ProcStat.Parse(line);

        Assert.Equal(new ProcStat(4242, 'S', 4242, 4242, 987654), stat);
        Assert.True(stat!.IsAlive);
    }

    [Fact]
    public void A_zombie_is_not_alive()
    {
        var stat = ProcStat.Parse("7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0");
        Assert.False(stat!.IsAlive);
    }

    [Fact]
    public void Reads_the_current_process()
    {
        var stat = ProcStat.Read(Environment.ProcessId);
        Assert.NotNull(stat);
        Assert.Equal(Environment.ProcessId, stat.Pid);
        Assert.True(stat.StartTime > 0);
        Assert.Null(ProcStat.Read(int.MaxValue));
    }
}
