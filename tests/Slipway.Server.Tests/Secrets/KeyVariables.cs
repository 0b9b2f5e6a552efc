using Slipway.Server.Secrets;

namespace Slipway.Server.Tests.Secrets;

/// <summary>The server's environment as the master keys read it, without touching this process's own.</summary>
internal static class KeyVariables
{
    public static string? None(string name) => null;

    public static Func<string, string?> Of(string current, string? previous = null) =>
        name => name == MasterKeys.Variable ? current : name == MasterKeys.PreviousVariable ? previous : null;
}
