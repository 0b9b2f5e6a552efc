using System.Runtime.InteropServices;
using Slipway.Router;

// Runs the router the way `slipway router` will: `--config F --listen A --admin B [--access-log F]`.
// `--no-access-log` and `--no-inline` exist to measure what the access log and inline scheduling change.
string? config = null, listen = null, admin = null, accessLog = null;
var accessLogEnabled = true;
var inlineScheduling = true;
for (var i = 0; i < args.Length; i += 2)
{
    if (args[i] is "--no-access-log" or "--no-inline")
    {
        accessLogEnabled &= args[i] != "--no-access-log";
        inlineScheduling &= args[i] != "--no-inline";
        i--;
        continue;
    }

    if (i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"{args[i]} needs a value");
        return 2;
    }

    switch (args[i])
    {
        case "--config": config = args[i + 1]; break;
        case "--listen": listen = args[i + 1]; break;
        case "--admin": admin = args[i + 1]; break;
        case "--access-log": accessLog = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

if (config is null)
{
    Console.Error.WriteLine("usage: --config F [--listen host:port] [--admin host:port] [--access-log F]");
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

var options = new RouterOptions(config, listen ?? "127.0.0.1:8080", admin ?? "127.0.0.1:8081", accessLog)
{
    AccessLogEnabled = accessLogEnabled,
    InlineScheduling = inlineScheduling,
};
await RouterHost.RunAsync(options, stop.Token);
return 0;
