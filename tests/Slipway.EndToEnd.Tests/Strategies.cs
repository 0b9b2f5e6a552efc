namespace Slipway.EndToEnd.Tests;

/// <summary>Strategy blocks used by the end-to-end tests.</summary>
internal static class Strategies
{
    public const string Rolling = """
        rolling:
          maxSurge: 1
          maxUnavailable: 0
        """;

    public const string BlueGreenManual = """
        blueGreen:
          autoPromotionEnabled: false
          scaleDownDelaySeconds: 300
        """;

    /// <summary>10 % then wait for a human, then 50 %, a short timed pause, and full promotion.</summary>
    public const string Canary = """
        canary:
          steps:
            - setWeight: 10
            - pause: {}
            - setWeight: 50
            - pause:
                duration: 2s
        """;

    public const string HeaderAndMirror = """
        canary:
          steps:
            - setHeaderRoute:
                name: beta
                match:
                  - headerName: X-Canary
                    headerValue:
                      exact: "yes"
            - setMirror:
                percentage: 50
            - pause: {}
        """;
}
