using Slipway.Oci.Vulnerabilities;

namespace Slipway.Oci.Tests.Vulnerabilities;

public sealed class CvssV3Tests
{
    /// <summary>Scores as FIRST's CVSS v3.1 calculator gives them.</summary>
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Severity.Critical)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity.High)]
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, Severity.High)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Severity.Medium)]
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9, Severity.Medium)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, Severity.Medium)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3, Severity.Medium)]
    [InlineData("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, Severity.Low)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, Severity.None)]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H/E:P/RL:O", 9.1, Severity.Critical)]
    public void Computes_the_base_score_and_its_rating(string vector, double score, Severity severity)
    {
        Assert.True(CvssV3.TryBaseScore(vector, out var computed, out var error), error);
        Assert.Equal(score, computed);
        Assert.Equal(severity, Severities.FromScore(computed));
    }

    [Theory]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "not a CVSS v3 vector")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "not a CVSS v3 vector")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "base metric A")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "base metric AV")]
    public void Refuses_a_vector_it_cannot_score_and_says_why(string vector, string expected)
    {
        Assert.False(CvssV3.TryBaseScore(vector, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CRITICAL", Severity.Critical)]
    [InlineData("HIGH", Severity.High)]
    [InlineData("MODERATE", Severity.Medium)]
    [InlineData("medium", Severity.Medium)]
    [InlineData("LOW", Severity.Low)]
    [InlineData("unimportant", null)]
    public void Reads_a_databases_severity_word(string word, Severity? expected) =>
        Assert.Equal(expected, Severities.FromWord(word));
}
