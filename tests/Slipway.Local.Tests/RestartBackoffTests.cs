namespace Slipway.Local.Tests;

public sealed class RestartBackoffTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(100, 30)]
    [InlineData(int.MaxValue, 30)]
    public void Doubles_from_the_initial_delay_up_to_the_cap(int failures, int expectedSeconds) =>
        Assert.Equal(
            TimeSpan.FromSeconds(expectedSeconds),
            RestartBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
}
