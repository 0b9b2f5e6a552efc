namespace Slipway.Server.Routing;

/// <summary>
/// The router's admin address answers, but not as this data directory's router: another data directory's router, a
/// router too old to say which table it serves, or another program. The server does not start rather than take it for
/// its own.
/// </summary>
public sealed class RouterAdminTakenException : Exception
{
    internal RouterAdminTakenException(ServerOptions options, AdminResponder answer)
        : base(Describe(options, answer))
    {
    }

    private static string Describe(ServerOptions options, AdminResponder answer)
    {
        const string Remedy = "give this server other ports with --router-listen/--router-admin";
        var port = $"the router admin port {options.RouterAdmin}";
        return answer.Kind switch
        {
            AdminResponderKind.Router when answer.DataDirectory is { } other =>
                $"{port} is taken by the router of {other} (pid {answer.Pid}); {Remedy}, or stop that router with `slipway down --data {other}`",
            AdminResponderKind.Router =>
                $"{port} is taken by a Slipway router serving {answer.ConfigPath} (pid {answer.Pid}), not {options.RouterConfigPath}; {Remedy}",
            AdminResponderKind.UnidentifiedRouter =>
                $"{port} is taken by a Slipway router that does not say which data directory it serves (an older version), and no router of {options.DataDirectory} runs with that admin address; {Remedy}, or stop that router",
            _ => $"{port} is taken by something that is not a Slipway router ({answer.Detail}); {Remedy}",
        };
    }
}
