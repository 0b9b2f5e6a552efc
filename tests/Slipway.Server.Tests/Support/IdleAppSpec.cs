namespace Slipway.Server.Tests.Support;

/// <summary>The spec of an app with no replicas (artifact <c>./artifact</c>): saved and reconciled, and no process to start.</summary>
internal static class IdleAppSpec
{
    public static string Yaml(string app) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}
        spec:
          artifact:
            path: ./artifact
          command: dotnet
          args: [app.dll]
          replicas: 0
        """;
}
